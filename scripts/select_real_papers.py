"""Pick a few hundred real papers from the converted Daily Papers corpus for the integration tests.

The corpus is made by ``scripts/convert_daily_papers.py`` from the public repository
``2404589803/hf-daily-paper-newsletter-chinese`` (Apache-2.0) at commit
``7cffe8b89a260c24d18f5c4674d4d2ff2aa09c1d``: 28 monthly listing files, 9,881 entries. The
selection keeps, in corpus order, every entry whose title or abstract holds LaTeX beyond an escape
(a command such as ``\\frac`` or ``\\href``, or ``$`` math), then an even spread of the entries with
only escapes (``\\%``) or non-ASCII text, and of the others, up to ``--size`` entries in all; the output is one listing file of the same layout (deterministic: files
in sorted order, no clock, no randomness).

Usage::

    python scripts/convert_daily_papers.py hf-daily.git CORPUS
    python scripts/select_real_papers.py CORPUS tests/fixtures/real/daily-papers-selection.txt
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_BLOCK_END = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}(?: \d+)?$")
"""The date line that ends a block of the converted layout (``Aug 5, 2025 17``)."""


def blocks(text: str) -> list[str]:
    """The blocks of one converted listing: title, abstract, authors, ``·``, date."""
    found, current = [], []
    for line in text.splitlines():
        if not line and not current:
            continue
        current.append(line)
        if _BLOCK_END.match(line):
            found.append("\n".join(current))
            current = []
    return found


_ESCAPE = re.compile(r"\\[%&_#$ ,]")


def kind(block: str) -> int:
    """0: LaTeX beyond escapes (commands, math, links); 1: escapes or non-ASCII text; 2: neither."""
    text = "\n".join(block.splitlines()[:2])  # title and abstract; the metadata lines hold • and ·
    if "\\" in _ESCAPE.sub("", text) or re.search(r"\$\S[^$\n]{0,200}?\S?\$", text):
        return 0
    return 1 if "\\" in text or not text.isascii() else 2


def spread(indexes: list[int], count: int) -> list[int]:
    """``count`` of the indexes, evenly apart."""
    if count <= 0 or not indexes:
        return []
    step = max(1, len(indexes) // count)
    return indexes[::step][:count]


def select(corpus: Path, size: int) -> list[str]:
    """Every block with LaTeX beyond escapes, then a spread of the others: ``size`` in all."""
    every = [b for path in sorted(corpus.glob("*.txt")) for b in blocks(path.read_text(encoding="utf-8"))]
    kinds = [kind(b) for b in every]
    chosen = [i for i, k in enumerate(kinds) if k == 0]
    rest = max(0, size - len(chosen))
    chosen += spread([i for i, k in enumerate(kinds) if k == 1], rest * 2 // 3)
    chosen += spread([i for i, k in enumerate(kinds) if k == 2], size - len(chosen))
    return [every[i] for i in sorted(chosen)]


def main() -> int:
    """Read the corpus folder, write the selection as one listing file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of converted listings (daily-papers-*.txt)")
    parser.add_argument("output", type=Path, help="the listing file to write")
    parser.add_argument("--size", type=int, default=260, help="entries in all (default 260)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"{args.corpus}: not a folder of converted listings", file=sys.stderr)
        return 2
    chosen = select(args.corpus, args.size)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{len(chosen)} entries written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
