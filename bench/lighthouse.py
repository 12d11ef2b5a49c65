"""Lighthouse (mobile) on the built site: ``python -m bench.lighthouse [SITE] [--plain] [--out DIR]``.

Builds nothing: serves ``SITE`` (default ``site``, the hosted build of ``make site``) on 127.0.0.1
and runs the Lighthouse of ``bench/lighthouse/`` (pinned there, installed on first use) with Debian's Chromium on the
home page, a topic page and a paper page: the scores of performance, accessibility, best practices
and SEO, and every scored audit below 1. The server gzips text files as GitHub Pages does;
``--plain`` serves them uncompressed (what ``python -m http.server`` does). Writes
``OUT/lighthouse.json`` and prints a Markdown table. Lighthouse throttles by simulation (its mobile
default: a slow 4G network and a 4× slower CPU), so the figures depend little on the machine, but
its simulation starts from what it observed: run it when the machine is quiet.

No request leaves the machine: Chromium runs with ``--disable-background-networking``, Lighthouse
needs no outside address for these four categories, and every request the page made is checked
against 127.0.0.1 (a foreign one is reported and makes the command exit 1).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.browser import chromium_path, foreign_requests, serve

PAGES = {
    "home": "",
    "topic": "topics/quantization/",
    "paper": "papers/qlora-efficient-finetuning-of-quantized-llms/",
}
"""The three pages issue 16 asks for, in the bundled listings' site."""

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run"

FOLDER = Path(__file__).resolve().parent / "lighthouse"
"""Lighthouse's own package.json and lock: installed here on first use, never by the site's ``npm ci``
(its 185 MB of packages serve this benchmark only)."""

LIGHTHOUSE = FOLDER / "node_modules" / ".bin" / "lighthouse"


def install_lighthouse() -> None:
    """``npm install`` of the lock in :data:`FOLDER` unless Lighthouse is there. Not ``npm ci``: one of
    Lighthouse's packages asks for ``third-party-web`` at "latest", which no lock can keep in step."""
    if LIGHTHOUSE.exists():
        return
    print(f"installing Lighthouse into {FOLDER / 'node_modules'} (npm install, once)", file=sys.stderr)
    subprocess.run(
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FOLDER, check=True
    )


def run_lighthouse(url: str, chromium: str) -> dict[str, Any]:
    """Lighthouse's JSON report of one page (mobile, the four categories)."""
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        subprocess.run(command, check=True, env=dict(os.environ, CHROME_PATH=chromium), timeout=300)
        result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        return result


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """Scores (0–100) per category, the scored audits below 1, the core metrics, and every URL requested."""
    audits = report["audits"]
    failing = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                failing.append(
                    {
                        "category": category,
                        "id": ref["id"],
                        "score": audit["score"],
                        "value": audit.get("displayValue", ""),
                    }
                )
    requests = [item["url"] for item in audits["network-requests"].get("details", {}).get("items", [])]
    return {
        "scores": {c: round(100 * report["categories"][c]["score"]) for c in CATEGORIES},
        "metrics": {
            m: audits[m].get("displayValue", "")
            for m in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index")
        },
        "failing": failing,
        "requests": requests,
        "lighthouse": report["lighthouseVersion"],
        "warnings": report.get("runWarnings", []),
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    """Markdown: one row per page, the four scores, then the core metrics and what lost points."""
    lines = [
        "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | below 1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, result in results.items():
        scores = result["scores"]
        metrics = result["metrics"]
        lost = ", ".join(f"{f['id']} {f['score']:.2f}" for f in result["failing"]) or "—"
        lines.append(
            f"| {name} | {scores['performance']} | {scores['accessibility']} | {scores['best-practices']} "
            f"| {scores['seo']} | {metrics['first-contentful-paint']} | {metrics['largest-contentful-paint']} "
            f"| {metrics['total-blocking-time']} | {lost} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"), help="a built hosted site (default: site)")
    parser.add_argument(
        "--plain", action="store_true", help="serve files uncompressed (default: gzip, as GitHub Pages)"
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench"), help="where lighthouse.json goes")
    args = parser.parse_args(argv)
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("Debian's chromium is not installed (apt-get install chromium)")
    install_lighthouse()
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site}/index.html is missing: build the site first (make site)")
    results = {}
    with serve(args.site, compress=not args.plain) as base:
        for name, path in PAGES.items():
            print(f"lighthouse {name}: {base}{path}", file=sys.stderr)
            results[name] = summary(run_lighthouse(base + path, chromium))
    foreign = {name: foreign_requests(r["requests"], host="127.0.0.1") for name, r in results.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    written = args.out / "lighthouse.json"
    written.write_text(
        json.dumps({"compressed": not args.plain, "pages": results, "foreign": foreign}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(table(results))
    print(f"\n{'plain' if args.plain else 'gzip'}; figures in {written}", file=sys.stderr)
    if any(foreign.values()):
        print(f"requests to other hosts: {foreign}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
