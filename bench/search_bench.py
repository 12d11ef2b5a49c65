"""Search at scale: the size of Material's lunr index and how long the search box takes to answer.

For each built site (``python -m bench mkdocs`` builds them under OUT/mkdocs/N/site-full), the site is
served over http from 127.0.0.1 and opened in Debian's Chromium (Playwright, headless). Measured:

- ``cold``: from the start of navigation to the home page until the results answer the query typed
  as soon as the page is interactive (the index is downloaded and built in Material's search worker
  first; until then the box says "Initializing search");
- ``after typing``: the part of that after the last key of the query;
- ``warm``: a second query, typed over the first once the index is built, from its last key.

The results answer a query once a result says its last term matched (Material puts the matched
terms in each result link's ``?h=``), so a result list left from an earlier query does not count.

To find where one lunr index stops being usable without building sites of every size, the largest
built site is also served with its ``search_index.json`` replaced by one scaled to other sizes:
paper entries taken from it (fewer) or repeated under new addresses (more), the other pages kept.
"""

from __future__ import annotations

import argparse
import copy
import functools
import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
INDEX_PATH = "/search/search_index.json"
SEARCH_INPUT = ".md-search__input"
SEARCH_TOGGLE = 'label.md-header__button[for="__search"]'
RESULT_LINKS = ".md-search-result__list > .md-search-result__item a.md-search-result__link"
TIMEOUT_MS = 120_000

_ANSWERED_JS = f"""(term) => [...document.querySelectorAll({RESULT_LINKS!r})].some(
  (a) => (new URL(a.href).searchParams.get("h") || "").split(" ").includes(term))"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, with some paths answered from memory (a scaled search index)."""

    overrides: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.overrides.get(self.path.split("?")[0])
        if body is None:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path, overrides: dict[str, bytes] | None = None) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL."""
    handler_class = type("Handler", (_Handler,), {"overrides": overrides or {}})
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def scaled_index(index: dict[str, Any], papers: int, titles_only: bool = False) -> dict[str, Any]:
    """The index with ``papers`` paper entries (sections of a paper page stay with it); ``titles_only``:
    every entry's text dropped (what an offline build could keep: titles and topics)."""
    others = [d for d in index["docs"] if not d["location"].startswith("papers/")]
    pages: dict[str, list[dict[str, Any]]] = {}
    for doc in index["docs"]:
        if doc["location"].startswith("papers/"):
            pages.setdefault(doc["location"].split("#")[0], []).append(doc)
    groups = list(pages.values())
    docs = list(others)
    for n in range(papers):
        group = groups[n % len(groups)]
        round_ = n // len(groups)
        for doc in group:
            doc = copy.copy(doc)
            if round_:
                base, _, anchor = doc["location"].partition("#")
                doc["location"] = f"{base.rstrip('/')}-{round_}/" + (f"#{anchor}" if anchor else "")
                doc["title"] = f"{doc['title']} ({round_})"
            docs.append(doc)
    if titles_only:
        docs = [{**doc, "text": ""} for doc in docs]
    return {**index, "docs": docs}


def measure_site(browser: Any, base: str, query: str, warm_query: str) -> dict[str, float]:
    """Open the home page in a fresh context; seconds until the search box answers, cold and warm."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        began = time.perf_counter()
        page.goto(base, wait_until="domcontentloaded")
        loaded = time.perf_counter()
        box = page.locator(SEARCH_INPUT)
        if page.locator(SEARCH_TOGGLE).is_visible():
            page.locator(SEARCH_TOGGLE).click()
        box.click()
        box.press_sequentially(query)  # key by key, no delay: Material searches on key events
        typed = time.perf_counter()
        page.wait_for_function(_ANSWERED_JS, arg=query.split()[-1].lower(), timeout=TIMEOUT_MS, polling=20)
        answered = time.perf_counter()
        box.press("Control+a")
        box.press_sequentially(warm_query)
        started = time.perf_counter()
        page.wait_for_function(_ANSWERED_JS, arg=warm_query.split()[-1].lower(), timeout=TIMEOUT_MS, polling=20)
        warm = time.perf_counter() - started
        heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
        return {
            "load": loaded - began,
            "cold": answered - began,
            "after_typing": answered - typed,
            "warm": warm,
            "page_heap_mb": heap / 1e6,
        }
    finally:
        context.close()


def main(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is not installed (apt-get install chromium)")
    out: Path = args.out
    sites = {n: out / "mkdocs" / str(n) / "site-full" for n in args.papers}
    missing = [n for n, site in sites.items() if not (site / INDEX_PATH.lstrip("/")).is_file()]
    if missing:
        raise SystemExit(
            f"no built site for {missing}: run `python -m bench mkdocs --papers {' '.join(map(str, missing))}`"
        )
    query, warm_query = args.query, "retrieval"
    rows: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for n, site in sites.items():
                index = site / INDEX_PATH.lstrip("/")
                with serve(site) as base:
                    best = min((measure_site(browser, base, query, warm_query) for _ in range(args.repeat)),
                               key=lambda r: r["cold"])  # fmt: skip
                rows.append({"papers": n, "kind": "built", "index_bytes": index.stat().st_size, **best})
                print(f"  {n:,} papers (built): {rows[-1]}", flush=True)
            largest = max(sites)
            data = json.loads((sites[largest] / INDEX_PATH.lstrip("/")).read_text(encoding="utf-8"))
            variants = [(n, False) for n in args.scaled] + [(n, True) for n in args.titles_only]
            for n, titles_only in variants:
                scaled = scaled_index(data, n, titles_only)
                body = json.dumps(scaled, ensure_ascii=False, separators=(",", ":")).encode()
                kind = "scaled, titles only" if titles_only else "scaled"
                with serve(sites[largest], {INDEX_PATH: body}) as base:
                    best = min((measure_site(browser, base, query, warm_query) for _ in range(args.repeat)),
                               key=lambda r: r["cold"])  # fmt: skip
                rows.append({"papers": n, "kind": kind, "index_bytes": len(body), **best})
                print(f"  {n:,} papers ({kind}): {rows[-1]}", flush=True)
        finally:
            browser.close()
    rows.sort(key=lambda r: (r["papers"], r["kind"]))
    (out / "search.json").write_text(json.dumps(rows, indent=1))
    print(table(rows))
    return 0


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| papers | index | search_index.json MB | page loaded, s | answer after the last key, s | answer from navigation, s | second query, s |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['papers']:,} | {r['kind']} | {r['index_bytes'] / 1e6:.1f} | {r['load']:.2f} | "
            f"{r['after_typing']:.2f} | {r['cold']:.2f} | {r['warm']:.2f} |"
        )
    return "\n".join(lines)
