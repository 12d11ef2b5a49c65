"""``generator search`` per call, start-up included, before and after a change, in one run.

A corpus (synthetic, ``--papers N``, or real listings, ``--listings DIR``) is built once with this
checkout (``python -m generator build`` in a copy of the project: past 1,500 papers the command
searches the offline site's index of titles and topics, as a user's would). The ``generator/``
package of this checkout (``after``) and of a revision of this repository (``before``, default
``main``, taken with ``git archive``) are copied side by side under ``--out``; each answers every
query as a user types it, ``python -m generator search QUERY --site SITE --json``, in a fresh
process, the two alternating query by query, ``--repeat`` rounds after one round that warms the
caches (and writes the compiled modules). Reported per side: the median, fastest and slowest wall
time per call, CPU time and peak memory (``wait4``), the ratio of the medians, and whether the two
answered every query alike (the same results, order and scores: the JSON output compared).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

QUERIES = (
    "quantization",
    "mixture of experts",
    "video diffusion model",
    "langauge modle",  # typing slips: words one edit away
    "reinforcement learning for reasoning",
    "transformer year:2025",
    "robot",
)
"""What the command is asked by default: a word, phrases, slips, a facet term, a short word."""


def _digest(listings: Path) -> str:
    files = sorted(listings.rglob("*.txt")) if listings.is_dir() else [listings]
    sha = hashlib.sha256()
    for path in files:
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def built_site(listings: Path, work: Path) -> Path:
    """The hosted site built from ``listings`` by this checkout in ``work/project`` (kept between runs)."""
    from tests.conftest import copy_project, run_generator

    project = work / "project"
    stamp = work / "project.built"
    wanted = _digest(listings)
    if not (stamp.is_file() and stamp.read_text() == wanted and (project / "site").is_dir()):
        shutil.rmtree(project, ignore_errors=True)
        copy_project(project, listings)
        print(f"  building {listings} in {project} ...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        result = run_generator(project, "build", "-q")
        if result.returncode != 0:
            raise SystemExit(f"the build failed:\n{result.stderr}")
        print(f"  built in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        stamp.write_text(wanted)
    return project / "site"


def package(side: Path, revision: str | None) -> Path:
    """A folder holding the ``generator`` package of this checkout (``revision`` None) or of a revision."""
    shutil.rmtree(side, ignore_errors=True)
    side.mkdir(parents=True)
    if revision is None:
        shutil.copytree(ROOT / "generator", side / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    else:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", revision, "generator"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(side, filter="data")
    return side


def call(side: Path, site: Path, query: str) -> dict[str, Any]:
    """One ``generator search`` in a fresh process: wall and CPU seconds, peak MiB, exit status, output."""
    command = [sys.executable, "-m", "generator", "search", *query.split(), "--site", str(site), "--json"]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=side, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.stdout.close()
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "exit": os.waitstatus_to_exitcode(status),
        "output": output.decode("utf-8", errors="replace"),
    }


def measure(site: Path, sides: dict[str, Path], queries: list[str], repeat: int) -> dict[str, Any]:
    """Every query on every side, alternating, ``repeat`` rounds after a warm-up round."""
    calls: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    differ: list[str] = []
    for turn in range(repeat + 1):
        for n, query in enumerate(queries):
            order = list(sides) if (turn + n) % 2 == 0 else list(reversed(sides))
            answers = {name: call(sides[name], site, query) for name in order}
            for name, result in answers.items():
                if result["exit"] not in (0, 1):
                    raise SystemExit(f"{name}: `generator search {query}` exited {result['exit']}")
                if turn:
                    calls[name].append({k: v for k, v in result.items() if k != "output"})
            outputs = {result["output"] for result in answers.values()}
            if turn == 0 and len(outputs) > 1:
                differ.append(query)
    summary: dict[str, Any] = {"queries": queries, "repeat": repeat, "differ": differ}
    for name, done in calls.items():
        seconds = [c["seconds"] for c in done]
        summary[name] = {
            "median": statistics.median(seconds),
            "fastest": min(seconds),
            "slowest": max(seconds),
            "cpu_median": statistics.median(c["cpu_seconds"] for c in done),
            "peak_mib": max(c["peak_mib"] for c in done),
            "calls": len(done),
        }
    return summary


def table(label: str, summary: dict[str, Any], names: list[str]) -> str:
    lines = [
        f"| {label} | calls | median s | fastest s | slowest s | CPU s (median) | peak MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        r = summary[name]
        lines.append(
            f"| {name} | {r['calls']} | **{r['median']:.3f}** | {r['fastest']:.3f} | {r['slowest']:.3f} | "
            f"{r['cpu_median']:.3f} | {r['peak_mib']:.0f} |"
        )
    if "before" in summary and "after" in summary:
        ratio = summary["after"]["median"] / summary["before"]["median"]
        lines.append(f"| after ÷ before (medians) | | **{ratio:.2f}** | | | | |")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    from .__main__ import ensure_corpus, machine

    corpora: list[tuple[str, Path]] = [
        (f"{n:,} papers (synthetic)", ensure_corpus(args.out, n, args.seed)) for n in args.papers
    ]
    corpora += [(f"{path.name} (listings)", path.resolve()) for path in args.listings]
    work = args.out / "search-command"
    sides = {"after": package(work / "after", None)}
    if args.before:
        sides = {"before": package(work / "before", args.before), **sides}
    queries = list(args.query or QUERIES)
    results: list[dict[str, Any]] = []
    for label, listings in corpora:
        site = built_site(listings, work / hashlib.sha256(str(listings).encode()).hexdigest()[:12])
        print(f"  {label}: {len(queries)} queries × {args.repeat} rounds ...", file=sys.stderr, flush=True)
        summary = {
            "corpus": label,
            "site": str(site),
            "machine": machine(),
            **measure(site, sides, queries, args.repeat),
        }
        results.append(summary)
        print(table(label, summary, list(sides)))
        if args.before:
            same = not summary["differ"]
            print(
                f"\nthe same answers ({len(queries)} queries, --json output): {'yes' if same else 'NO: ' + ', '.join(summary['differ'])}"
            )
        print(f"load before: {summary['machine']['load_before']}, after: {os.getloadavg()[0]:.2f}\n")
    (args.out / "search-command.json").write_text(json.dumps(results, indent=1))
    return 1 if any(r["differ"] for r in results) else 0
