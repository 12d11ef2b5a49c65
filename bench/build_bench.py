"""The whole ``generator build`` against one bare Material build of the same pages, side by side.

For each corpus size: a copy of the project (``--against DIR`` adds a copy of another checkout of
the project, such as the main branch, measured the same way), then rounds of, one after the other:

- ``bare``: one bare Material build of the same pages (bench/mkdocs_bench.py ``bare_docs``);
- ``build`` (and ``against``): ``python -m generator build`` from scratch (docs/, site/ and
  site-offline/ removed first): the generator, the hosted site, the offline site and every search
  index (Pagefind's too, past 1,500 papers).

Reported: the fastest run of each (wall and CPU seconds, the build's processes included), its
stages as its progress lines give them, and build ÷ bare (the budget: ≤ 2.0).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from .mkdocs_bench import BARE_CONFIG, bare_docs, run_measured

ROOT = Path(__file__).resolve().parent.parent

_STAGE = re.compile(r"^  ([a-z ]+)\.\.\. ([0-9.]+) s( \(second process\))?$", re.MULTILINE)


def copy_checkout(source: Path, target: Path, listings: Path) -> Path:
    """A copy of the project checkout ``source`` with the synthetic listings (as the tests copy one)."""
    from tests.conftest import PROJECT_FILES

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif (source / name).is_file():
            shutil.copy2(source / name, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    shutil.rmtree(target / "data" / "listings")
    shutil.copytree(listings, target / "data" / "listings")
    return target


def build_once(project: Path, log: Path, warm: bool = False) -> dict[str, Any]:
    """``python -m generator build`` from scratch in ``project``, measured, with its stages; ``warm``:
    with the cache (``.cache/generator/``) an earlier build left, as a rebuild runs."""
    for name in ("docs", "site", "site-offline", *(() if warm else (".cache",))):
        shutil.rmtree(project / name, ignore_errors=True)
    result = run_measured([sys.executable, "-m", "generator", "build"], project, log)
    text = log.read_text(encoding="utf-8", errors="replace")
    result["stages"] = {f"{m[1]}{' (second process)' if m[3] else ''}": float(m[2]) for m in _STAGE.finditer(text)}
    return result


def bare_once(project: Path, work: Path) -> dict[str, Any]:
    """One bare Material build of the pages ``project``'s build generated."""
    site = work / "site-bare"
    shutil.rmtree(site, ignore_errors=True)
    pages = bare_docs(project / "docs", work / "docs-bare")
    (work / "mkdocs-bare.yml").write_text(BARE_CONFIG + f"docs_dir: {work / 'docs-bare'}\n")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs-bare.yml"), "-d", str(site)]
    result = run_measured(command, project, work / "bare.log")
    result["pages"] = pages
    return result


def measure(out: Path, papers: int, seed: int, repeat: int, against: Path | None, warm: bool = False) -> dict[str, Any]:
    """Rounds of bare, build (and against) builds; the fastest run of each, with all their times
    (``warm``: builds after a project's first keep its cache, and the first is not counted)."""
    from .__main__ import ensure_corpus

    listings = ensure_corpus(out, papers, seed)
    work = out / "build" / str(papers)
    projects = {"build": copy_checkout(ROOT, work / "project", listings)}
    if against is not None:
        projects["against"] = copy_checkout(against, work / "against", listings)
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], **{name: [] for name in projects}}
    if warm:
        for name, project in projects.items():
            print(f"  {name}: filling the cache ({papers:,} papers)...", file=sys.stderr)
            _said(build_once(project, work / f"{name}.log"))
    for turn in range(repeat):
        for name, project in projects.items():
            print(f"  {name}: generator build of {papers:,} papers ({turn + 1}/{repeat})...", file=sys.stderr)
            runs[name].append(build_once(project, work / f"{name}.log", warm))
            _said(runs[name][-1])
            if name == "build":
                print(f"  bare Material build ({turn + 1}/{repeat})...", file=sys.stderr)
                runs["bare"].append(bare_once(project, work))
                _said(runs["bare"][-1])
    results: dict[str, Any] = {"papers": papers}
    for name, done in runs.items():
        best = min(done, key=lambda r: (r["exit"] != 0, r["seconds"]))
        results[name] = {**best, "all_seconds": [round(r["seconds"], 2) for r in done]}
    return results


def _said(result: dict[str, Any]) -> None:
    print(
        f"    {result['seconds']:.1f} s ({result['cpu_seconds']:.1f} CPU-s), peak {result['peak_mib']:.0f} MiB,"
        f" exit {result['exit']}",
        file=sys.stderr,
        flush=True,
    )


def table(everything: dict[int, dict[str, Any]]) -> str:
    """Build ÷ bare, wall and CPU, and the stages of each build, per corpus size."""
    sizes = sorted(everything)
    names = [n for n in ("build", "against") if all(n in everything[s] for s in sizes)]
    lines = ["| | " + " | ".join(f"{n:,} papers" for n in sizes) + " |", "| --- |" + " ---: |" * len(sizes)]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(everything[s]) for s in sizes) + " |")

    row("bare Material build, s (CPU s)", lambda r: f"{r['bare']['seconds']:.1f} ({r['bare']['cpu_seconds']:.1f})")
    for name in names:
        row(f"`generator build` ({name}), s (CPU s)", lambda r, n=name: f"{r[n]['seconds']:.1f} ({r[n]['cpu_seconds']:.1f})")  # fmt: skip
        row(f"**{name} ÷ bare, wall**", lambda r, n=name: f"**{r[n]['seconds'] / r['bare']['seconds']:.2f}**")
        row(f"{name} ÷ bare, CPU", lambda r, n=name: f"{r[n]['cpu_seconds'] / r['bare']['cpu_seconds']:.2f}")
        row(f"{name}: all runs, s", lambda r, n=name: ", ".join(f"{s:.1f}" for s in r[n]["all_seconds"]))
        stages = sorted({s for size in sizes for s in everything[size][name]["stages"]})
        for stage in stages:
            row(f"{name}: {stage}, s", lambda r, n=name, st=stage: f"{r[n]['stages'].get(st, 0):.2f}" if st in r[n]["stages"] else "")  # fmt: skip
    row("bare: all runs, s", lambda r: ", ".join(f"{s:.1f}" for s in r["bare"]["all_seconds"]))
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    everything = {n: measure(args.out, n, args.seed, args.repeat, args.against, args.warm) for n in args.papers}
    (args.out / "build.json").write_text(json.dumps({str(k): v for k, v in everything.items()}, indent=1))
    print(table(everything))
    return 0
