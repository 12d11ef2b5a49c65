"""Prototype (not wired into the build): Pagefind as the site's search past the size lunr can serve.

Pagefind (PyPI ``pagefind[bin]``, the indexer binary shipped in the wheel) indexes the built HTML
after MkDocs and writes a bundle of small index chunks that the browser fetches on demand, so the
search box answers after a few small requests instead of after downloading and building one index
of the whole collection.

This prototype, for a site built by ``python -m bench mkdocs``:

1. runs ``python -m pagefind --site SITE --output-subdir pagefind --root-selector .md-content``
   (what ``generator/site.py`` would run after each hosted MkDocs build) and times it;
2. writes ``SITE/pagefind-demo/index.html``, a page wired the way the theme override would be:
   ``import("/pagefind/pagefind.js")``, ``pagefind.search(query)`` on each key, the first ten
   results' ``data()`` rendered as links;
3. opens it in Chromium as ``bench search`` does and times the answer (cold and warm).

How it would be wired in the real build (not done here): ``search: false``-style removal of
Material's search plugin from ``mkdocs.yml`` above the threshold, an override of
``partials/search.html`` with the Pagefind UI (or the small script below) styled as Material's
dialog, ``data-pagefind-body`` on the paper article in ``overrides/paper.html`` (and
``data-pagefind-ignore`` on related/mentioned lists) instead of ``--root-selector``, weights with
``data-pagefind-weight`` (title > topics > abstract, as the lunr fields now), and in
``generator/site.py`` one ``pagefind`` run on the staged ``site/`` before it is swapped in. The
offline build cannot use it: Pagefind fetches its chunks and WebAssembly, which browsers refuse
from ``file://``; it keeps lunr (capped, see RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .search_bench import CHROMIUM_ARGS, serve

DEMO = """<!doctype html>
<meta charset="utf-8">
<title>Pagefind prototype</title>
<input id="q" autofocus placeholder="Search" autocomplete="off">
<p id="meta">Type to start searching</p>
<ol id="results"></ol>
<script type="module">
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.options({ excerptLength: 20 });
  pagefind.init();
  const input = document.getElementById("q");
  let latest = 0;
  input.addEventListener("input", async () => {
    const query = input.value, mine = ++latest;
    const search = await pagefind.debouncedSearch(query, {}, 0);
    if (search === null || mine !== latest) return;
    const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    if (mine !== latest) return;
    document.getElementById("meta").textContent = `${search.results.length} matching documents`;
    document.getElementById("results").replaceChildren(...data.map((d) => {
      const li = document.createElement("li"), a = document.createElement("a");
      a.href = d.url + "?h=" + encodeURIComponent(query.toLowerCase());
      a.className = "result"; a.textContent = d.meta.title; li.append(a); return li;
    }));
  });
  document.body.dataset.ready = "1";
</script>
"""

_ANSWERED_JS = """(term) => [...document.querySelectorAll("a.result")].some(
  (a) => (new URL(a.href).searchParams.get("h") || "").split(" ").includes(term))"""


def index_site(site: Path) -> dict[str, Any]:
    """Run Pagefind over a built site; seconds and the bundle's size."""
    bundle = site / "pagefind"
    if bundle.exists():
        shutil.rmtree(bundle)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind",
         "--root-selector", ".md-content", "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"pagefind failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    files = [p for p in bundle.rglob("*") if p.is_file()]
    (site / "pagefind-demo").mkdir(exist_ok=True)
    (site / "pagefind-demo" / "index.html").write_text(DEMO, encoding="utf-8")
    return {
        "index_seconds": seconds,
        "bundle_files": len(files),
        "bundle_mb": sum(p.stat().st_size for p in files) / 1e6,
        "largest_file_kb": max(p.stat().st_size for p in files) / 1e3,
    }


def measure(browser: Any, base: str, query: str, warm_query: str) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    requests: list[int] = []
    page.on("requestfinished", lambda r: requests.append((r.sizes() or {}).get("responseBodySize", 0)))
    try:
        began = time.perf_counter()
        page.goto(base + "pagefind-demo/", wait_until="domcontentloaded")
        page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=60_000)
        box = page.locator("#q")
        box.press_sequentially(query)
        typed = time.perf_counter()
        page.wait_for_function(_ANSWERED_JS, arg=query.lower(), timeout=60_000, polling=20)
        answered = time.perf_counter()
        fetched = sum(requests)
        box.press("Control+a")
        box.press_sequentially(warm_query)
        started = time.perf_counter()
        page.wait_for_function(_ANSWERED_JS, arg=warm_query.lower(), timeout=60_000, polling=20)
        warm = time.perf_counter() - started
        return {
            "cold": answered - began,
            "after_typing": answered - typed,
            "warm": warm,
            "requests_until_answer": len(requests),
            "kb_until_answer": fetched / 1e3,
        }
    finally:
        context.close()


def main(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    try:
        import pagefind  # noqa: F401
    except ImportError:
        raise SystemExit("Pagefind is not installed: .venv/bin/pip install 'pagefind[bin]'") from None
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is not installed")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for n in args.papers:
                site = args.out / "mkdocs" / str(n) / "site-full"
                if not site.is_dir():
                    raise SystemExit(f"no built site for {n}: run `python -m bench mkdocs --papers {n}` first")
                print(f"  indexing {site} with Pagefind...", file=sys.stderr, flush=True)
                facts = index_site(site)
                with serve(site) as base:
                    timing = min((measure(browser, base, args.query, "retrieval") for _ in range(2)),
                                 key=lambda r: r["cold"])  # fmt: skip
                rows.append({"papers": n, **facts, **timing})
                print(f"  {rows[-1]}", file=sys.stderr, flush=True)
        finally:
            browser.close()
    (args.out / "pagefind.json").write_text(json.dumps(rows, indent=1))
    print("| papers | index s | bundle files | bundle MB | fetched until answer | cold s | after typing s | warm s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['papers']:,} | {r['index_seconds']:.1f} | {r['bundle_files']:,} | {r['bundle_mb']:.1f} | "
            f"{r['requests_until_answer']} requests, {r['kb_until_answer']:.0f} KB | {r['cold']:.2f} | "
            f"{r['after_typing']:.2f} | {r['warm']:.2f} |"
        )
    return 0
