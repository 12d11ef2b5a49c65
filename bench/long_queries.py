"""The work of a long query: ``python -m bench.long_queries [SITE]`` (default ``site``, built).

Times the queries of ``tests/test_search.py`` ``LONG_QUERIES`` (and all of them as one query) with
the terminal's search loaded once (:class:`generator.search.SearchIndex`), and with the browser's
worker under Node.js on the same search file, and reports each one's time and the peak memory of
each process. The tests bound the work itself (clauses, token-set nodes); this is where the
seconds go, for bench/RESULTS.md.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from generator import search
from tests.test_search import LONG_QUERIES

ROOT = Path(__file__).resolve().parent.parent

NODE_TIMER = r"""
const fs = require("fs"), vm = require("vm")
const [lunrFile, workerFile, dataFile] = process.argv.slice(-3)
const context = { addEventListener() {}, postMessage() {}, console, URL, performance }
vm.createContext(context)
vm.runInContext(fs.readFileSync(lunrFile, "utf8"), context)
vm.runInContext(fs.readFileSync(workerFile, "utf8"), context)
context.data = JSON.parse(fs.readFileSync(dataFile, "utf8"))
context.queries = JSON.parse(fs.readFileSync(0, "utf8"))
const out = vm.runInContext(`(() => {
  const engine = new Engine({ suffix: "/" }, data)
  return queries.map(q => { const t = performance.now(); const n = engine.search(q).items.length; return [performance.now() - t, n] })
})()`, context)
process.stdout.write(JSON.stringify({ times: out, peak: process.resourceUsage().maxRSS }))
"""


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    opened = search.open_site(site)
    queries = [*LONG_QUERIES, " ".join(LONG_QUERIES)]
    python = []
    for query in queries:
        started = time.perf_counter()
        found = len(opened.index.search(query))
        python.append((time.perf_counter() - started, found))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    data = json.loads(
        search.from_script(opened.source.read_text(encoding="utf-8"))
        if opened.source.suffix == ".js"
        else opened.source.read_text(encoding="utf-8")
    )
    data_file = ROOT / ".long-queries.json"
    data_file.write_text(json.dumps(data), encoding="utf-8")
    try:
        result = subprocess.run(
            [
                "node",
                "-e",
                NODE_TIMER,
                str(ROOT / "node_modules/lunr/lunr.js"),
                str(ROOT / "generator/search/worker.js"),
                str(data_file),
            ],
            input=json.dumps(queries),
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
    finally:
        data_file.unlink()
    node = json.loads(result.stdout)
    print("| query | characters | terminal ms | worker ms | results |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for query, (seconds, found), (ms, _) in zip(queries, python, node["times"], strict=True):
        shown = query[:40].replace("|", "\\|") + ("…" if len(query) > 40 else "")
        print(f"| `{shown}` | {len(query):,} | {seconds * 1000:.0f} | {ms:.0f} | {found} |")
    print(f"\npeak memory: terminal process {peak} MiB, Node.js process {node['peak'] // 1024} MiB")


if __name__ == "__main__":
    main()
