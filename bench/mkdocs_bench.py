"""The MkDocs build of a generated site against a bare Material build of the same pages.

For each corpus size: a copy of the project (as the tests make one) with the synthetic listings,
``python -m generator build --no-site`` there (made again whenever the project's files change),
then, one after the other so they do not compete for the two cores:

- ``full``: ``mkdocs build -f mkdocs.yml`` (the hosted site, as ``generator build`` runs it);
- ``offline``: ``mkdocs build -f mkdocs.offline.yml`` (the zip-and-open-anywhere site rendered on its
  own: the reference; ``generator build`` derives it from the hosted render, see bench/build_bench.py);
- ``bare``: the same pages as plain Markdown (a paper page is its title and abstract; every other
  page its title), papers out of the nav, theme ``material`` with only the ``search`` plugin.

Reported: wall seconds and peak memory of each build, full ÷ bare, the largest paper page and the
search index of each site.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

BARE_CONFIG = """\
site_name: Bare build
site_url: http://127.0.0.1:8000/
use_directory_urls: true
theme:
  name: material
plugins:
  - search
nav:
  - Home: index.md
not_in_nav: |
  /papers/
  /topics/
  /organisations/
  /*.md
validation:
  nav:
    omitted_files: info
"""


def run_measured(command: list[str], cwd: Path, log: Path) -> dict[str, Any]:
    """Run a command to completion; wall seconds, peak RSS (MiB) and exit status."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", SOURCE_DATE_EPOCH="1761955200")
    began = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": time.perf_counter() - began,
        "peak_mib": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "exit": process.returncode,
        "log": str(log),
    }


def bare_docs(docs: Path, bare: Path) -> int:
    """The generated pages as plain Markdown: title and abstract for papers, title for the others."""
    if bare.exists():
        shutil.rmtree(bare)
    records = {r["slug"]: r for r in json.loads((docs / "papers.json").read_text(encoding="utf-8"))}
    count = 0
    for page in sorted(docs.rglob("*.md")):
        relative = page.relative_to(docs)
        target = bare / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.parts[0] == "papers":
            record = records[page.stem]
            text = f"# {_plain(record['title'])}\n\n{_plain(record['abstract'])}\n"
        else:
            text = f"# {_plain(_title(page))}\n"
        target.write_text(text, encoding="utf-8")
        count += 1
    return count


def _plain(text: str) -> str:
    """Listing text as inert Markdown, roughly (the bare build needs no exact escaping)."""
    return text.replace("<", "&lt;").replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def _title(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        meta = yaml.safe_load(text[4:end]) if end > 0 else None
        if isinstance(meta, dict) and meta.get("title"):
            return str(meta["title"])
    return page.stem.replace("-", " ").capitalize()


def largest(site: Path, folder: str) -> tuple[int, str]:
    """The size and path of the largest ``index.html`` (or ``.html``) under ``site/folder``."""
    best = (0, "")
    for path in (site / folder).rglob("*.html"):
        size = path.stat().st_size
        if size > best[0]:
            best = (size, str(path.relative_to(site)))
    return best


def site_facts(site: Path) -> dict[str, Any]:
    index = site / "search" / "search_index.json"
    facts: dict[str, Any] = {"files": sum(1 for p in site.rglob("*") if p.is_file())}
    facts["bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        facts["search_index_bytes"] = index.stat().st_size
        facts["search_docs"] = len(data.get("docs", []))
    if (site / "papers").is_dir():
        facts["largest_paper_page"] = largest(site, "papers")
    return facts


def prepare(out: Path, papers: int, seed: int) -> Path:
    """The project copy with the corpus and its generated docs/ (made once)."""
    from tests.conftest import copy_project

    from .__main__ import ensure_corpus

    listings = ensure_corpus(out, papers, seed)
    project = out / "mkdocs" / str(papers) / "project"
    stamp = project / ".bench-generated"
    if not stamp.is_file() or json.loads(stamp.read_text()).get("source") != source_digest():
        if project.exists():
            shutil.rmtree(project)
        (project.parent / "results.json").unlink(missing_ok=True)  # figures of the old copy
        copy_project(project, listings)
        print(f"  generating docs/ for {papers:,} papers...", file=sys.stderr, flush=True)
        result = run_measured(
            [sys.executable, "-m", "generator", "build", "--no-site", "-q"], project, project.parent / "generate.log"
        )
        if result["exit"] != 0:
            raise SystemExit(f"generator failed, see {result['log']}")
        stamp.write_text(json.dumps({**result, "source": source_digest()}))
    return project


def source_digest() -> str:
    """A digest of the project files a copy is made of: a change to any of them makes a new copy."""
    from tests.conftest import PROJECT_FILES

    digest = hashlib.sha256()
    for name in PROJECT_FILES:
        source = ROOT / name
        for path in sorted(source.rglob("*")) if source.is_dir() else [source]:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def measure(out: Path, papers: int, seed: int, only: list[str] | None, repeat: int = 1) -> dict[str, Any]:
    """Each build ``repeat`` times, in rounds (bare, full, offline, bare, ...) so the machine's load
    weighs on all alike; the fastest run of each is kept, with the CPU seconds of its process."""
    project = prepare(out, papers, seed)
    work = project.parent
    builds = only or ["bare", "full", "offline"]
    results: dict[str, Any] = {"papers": papers, "generate": json.loads((project / ".bench-generated").read_text())}
    saved = work / "results.json"
    if saved.is_file():
        results.update({k: v for k, v in json.loads(saved.read_text()).items() if k in ("bare", "full", "offline")})
    runs: dict[str, list[dict[str, Any]]] = {build: [] for build in builds}
    for turn in range(repeat):
        for build in builds:
            print(f"  {build} MkDocs build of {papers:,} papers ({turn + 1}/{repeat})...", file=sys.stderr, flush=True)
            result = _build(project, work, build)
            runs[build].append(result)
            print(
                f"    {result['seconds']:.1f} s ({result['cpu_seconds']:.1f} CPU-s), peak {result['peak_mib']:.0f} MiB,"
                f" exit {result['exit']}",
                file=sys.stderr,
            )
    for build, done in runs.items():
        best = min(done, key=lambda r: (r["exit"] != 0, r["seconds"]))
        best["all_seconds"] = [round(r["seconds"], 2) for r in done]
        if best["exit"] == 0:
            best.update(site_facts(work / f"site-{build}"))
        results[build] = best
    saved.write_text(json.dumps({k: v for k, v in results.items() if k in ("bare", "full", "offline")}, indent=1))
    if "full" in results and "bare" in results:
        results["ratio_full_to_bare"] = results["full"]["seconds"] / results["bare"]["seconds"]
    return results


def _build(project: Path, work: Path, build: str) -> dict[str, Any]:
    """One MkDocs build (``bare``, ``full`` or ``offline``) into ``work/site-BUILD``, measured."""
    site = work / f"site-{build}"
    if site.exists():
        shutil.rmtree(site)
    if build == "bare":
        pages = bare_docs(project / "docs", work / "docs-bare")
        (work / "mkdocs-bare.yml").write_text(BARE_CONFIG + f"docs_dir: {work / 'docs-bare'}\n")
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs-bare.yml"), "-d", str(site)]
        result = run_measured(command, project, work / f"{build}.log")
        result["pages"] = pages
        return result
    config = "mkdocs.yml" if build == "full" else "mkdocs.offline.yml"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(site)]
    return run_measured(command, project, work / f"{build}.log")


def table(all_results: dict[int, dict[str, Any]]) -> str:
    sizes = sorted(all_results)
    lines = ["| | " + " | ".join(f"{n:,} papers" for n in sizes) + " |", "| --- |" + " ---: |" * len(sizes)]

    def row(label: str, fn: Any) -> None:
        cells = []
        for n in sizes:
            try:
                cells.append(fn(all_results[n]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("bare Material build (search only), s", lambda r: f"{r['bare']['seconds']:.1f}")
    row("full build (mkdocs.yml), s", lambda r: f"{r['full']['seconds']:.1f}")
    row("**full ÷ bare**", lambda r: f"**{r['full']['seconds'] / r['bare']['seconds']:.2f}**")
    row("CPU seconds full / bare", lambda r: f"{r['full']['cpu_seconds']:.1f} / {r['bare']['cpu_seconds']:.1f}")
    row("offline build (mkdocs.offline.yml), s", lambda r: f"{r['offline']['seconds']:.1f}")
    row("peak memory full / bare, MiB", lambda r: f"{r['full']['peak_mib']:.0f} / {r['bare']['peak_mib']:.0f}")
    row("largest paper page, KB", lambda r: f"{r['full']['largest_paper_page'][0] / 1000:.1f}")
    row("search_index.json full / bare, MB", lambda r: (
        f"{r['full']['search_index_bytes'] / 1e6:.1f} / {r['bare']['search_index_bytes'] / 1e6:.1f}"))  # fmt: skip
    row("site size full, MB", lambda r: f"{r['full']['bytes'] / 1e6:.0f}")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    out: Path = args.out
    everything = {}
    for papers in args.papers:
        everything[papers] = measure(out, papers, args.seed, args.only, args.repeat)
    (out / "mkdocs.json").write_text(json.dumps({str(k): v for k, v in everything.items()}, indent=1))
    print(table(everything))
    return 0
