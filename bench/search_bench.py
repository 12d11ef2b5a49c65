"""Search at scale: the size of what the search box loads and how long it takes to answer.

For each corpus size, a copy of the project builds the synthetic corpus the way a user does
(``python -m generator build CORPUS``: the hosted site's search is the lunr index up to 1,500
papers and Pagefind past it, the offline site's is always lunr, see ``generator/search/``). Each
site is opened in Debian's Chromium (Playwright, headless) in a fresh context, the hosted one over
http from 127.0.0.1 and the offline one from ``file://``, and timed as ``bench answer`` does: from
the page's DOMContentLoaded until the results answer a query put into the box at that moment,
the median of ``--repeat`` loads. The bytes reported are the search settings and the search file
the worker loads (:func:`search_bytes`), or for Pagefind the settings and its whole bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.browser import chromium

SEARCH_INPUT = ".md-search__input"
RESULT_LINKS = ".md-search-result__list > .md-search-result__item a.md-search-result__link"
TIMEOUT_MS = 120_000

_ANSWERED_JS = f"""(term) => [...document.querySelectorAll({RESULT_LINKS!r})].some(
  (a) => (new URL(a.href).searchParams.get("h") || "").split(" ").includes(term))"""
"""Whether the results answer a query whose last word is ``term``: a result link says it matched."""


def search_bytes(site: Path, offline: bool) -> int:
    """What the search box loads before its first lunr answer: the settings Material loads
    (``search/search_index.json``, offline ``.js``) and the search file they name, if any (the
    site's worker loads it; a build with Material's own search has none)."""
    settings = site / "search" / ("search_index.js" if offline else "search_index.json")
    data = site / "search" / ("lunr_index.js" if offline else "lunr_index.json")
    return settings.stat().st_size + (data.stat().st_size if data.is_file() else 0)


def folder_size(path: Path) -> tuple[int, int]:
    """Bytes and files under ``path``."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def build(project: Path, corpus: Path) -> dict[str, float]:
    """Build ``corpus`` in a fresh copy of the project; the generator's stage timings."""
    from .answer_time import copy_project

    copy_project(project)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(corpus.resolve()), "-q", "--json"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    timings: dict[str, float] = json.loads(result.stdout)["timings"]
    return timings


def main(args: argparse.Namespace) -> int:
    from .__main__ import ensure_corpus
    from .answer_time import time_site

    rows: list[dict[str, Any]] = []
    for n in args.papers:
        corpus = ensure_corpus(args.out, n, args.seed)
        project = args.out / "search" / str(n)
        print(f"  {n:,} papers: building in {project} ...", flush=True)
        timings = build(project, corpus)
        hosted = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
        engine = hosted["config"]["papers"]["engine"]
        bundle = folder_size(project / "site" / "pagefind") if engine == "pagefind" else (0, 0)
        sites = {"hosted": project / "site", "offline": project / "site-offline"}
        with chromium() as browser:
            for kind, site in sites.items():
                figures = time_site(browser, site, kind == "hosted", args.repeat, args.query)
                row = {
                    "papers": n,
                    "site": kind,
                    "engine": engine if kind == "hosted" else "lunr",
                    "index_bytes": search_bytes(site, offline=kind == "offline"),
                    "bundle_bytes": bundle[0] if kind == "hosted" else 0,
                    "bundle_files": bundle[1] if kind == "hosted" else 0,
                    "search_stage": timings.get("search", 0.0),
                    **figures,
                }
                rows.append(row)
                print(f"    {kind}: {row}", flush=True)
    (args.out / "search.json").write_text(json.dumps(rows, indent=1))
    print(table(rows))
    return 0


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| papers | site | engine | loaded before the first answer | answer after the page opens, s | from navigation, s | second query, s |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        loaded = f"{r['index_bytes'] / 1e6:.1f} MB index"
        if r["engine"] == "pagefind":
            loaded = f"{r['index_bytes'] / 1e3:.0f} KB settings; bundle {r['bundle_bytes'] / 1e6:.0f} MB in {r['bundle_files']:,} files, fetched in pieces"
        lines.append(
            f"| {r['papers']:,} | {r['site']} | {r['engine']} | {loaded} | {r['opened']:.2f} | "
            f"{r['navigation']:.2f} | {r['second']:.2f} |"
        )
    return "\n".join(lines)
