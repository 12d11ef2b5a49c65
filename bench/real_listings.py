"""What reading and cleaning do to real listings: the figures issue 13 asks for.

    python -m bench.real_listings DIR [DIR ...]

Prints the entries and papers, the warnings by kind, how many titles and abstracts the LaTeX
conversion changed, and the addresses of the raw abstracts kept as links. An address counts as kept
when a link of the cleaned entry is that address (after the canonical form the generator gives
mirror hosts and ``www.``) or the address up to a template placeholder it holds is left out as
text on purpose (and warned about). The stage times are those of ``generator build --no-site``, which
this command does not run: run it beside (its stage lines say which stage is slowest).
"""

from __future__ import annotations

import argparse
import collections
import re
from collections.abc import Sequence
from pathlib import Path

from generator import clean, dedupe, read

_RAW_ADDRESS = re.compile(r"https?://[^\s{}<>\"'\\\[\]()]+", re.IGNORECASE)
_KINDS = (
    ("template placeholder", "template placeholder"),
    ("no letters or digits", "no letters or digits"),
    ("is cut at a word", "abstract too long"),
    ("undated", "date out of range"),
    ("two papers", "same title, different abstracts"),
)


def _kind(message: str) -> str:
    """A short name for a warning, from its message."""
    return next((name for needle, name in _KINDS if needle in message), message[:60])


def _has_latex(text: str) -> bool:
    return "\\" in text or "$" in text


def report(paths: Sequence[Path]) -> dict[str, object]:
    """The figures for the listings under ``paths``."""
    reading = read.read_paths(paths)
    cleaning = clean.clean_entries(reading.entries)
    kinds = collections.Counter(_kind(d.message) for d in (*reading.diagnostics, *cleaning.diagnostics))
    papers = dedupe.dedupe(cleaning.entries, warn=lambda d: kinds.update([_kind(d.message)]))
    changed = {"titles": 0, "abstracts": 0}
    total = kept = 0
    lost: list[str] = []
    for raw, cleaned in zip(reading.entries, cleaning.entries, strict=True):
        changed["titles"] += _has_latex(raw.title) and cleaned.title != clean.plain_text(raw.title)
        changed["abstracts"] += _has_latex(raw.abstract) and cleaned.abstract != clean.plain_text(raw.abstract)
        shown = {link.url.rstrip("/") for link in cleaned.links}
        for address in dict.fromkeys(clean._trim_url(a) for a in _RAW_ADDRESS.findall(raw.abstract)):
            total += 1
            canonical = clean.canonical_url(address).rstrip("/")
            if canonical in shown or any(url.startswith(canonical) for url in shown):
                kept += 1
            elif clean._PLACEHOLDER.search(raw.abstract[raw.abstract.find(address) + len(address) :][:12]):
                kept += 1  # left as text on purpose, with a warning
            else:
                lost.append(address)
    return {
        "entries": len(reading.entries),
        "papers": len(papers),
        "warnings": dict(sorted(kinds.items())),
        "latex_changed": changed,
        "latex_in": {
            "titles": sum(_has_latex(e.title) for e in reading.entries),
            "abstracts": sum(_has_latex(e.abstract) for e in reading.entries),
        },
        "addresses": {"kept": kept, "total": total, "lost": lost[:20]},
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.real_listings", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="listing files or folders")
    figures = report(parser.parse_args(argv).paths)
    print(f"{figures['entries']:,} entries, {figures['papers']:,} papers")
    print("warnings by kind:", figures["warnings"] or "none")
    print("LaTeX present (titles, abstracts):", figures["latex_in"])
    print("changed by the LaTeX conversion:", figures["latex_changed"])
    addresses = figures["addresses"]
    assert isinstance(addresses, dict)
    print(f"addresses kept: {addresses['kept']:,} of {addresses['total']:,}")
    for address in addresses["lost"]:
        print("  not kept:", address)


if __name__ == "__main__":
    main()
