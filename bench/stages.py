"""Wall time and peak memory of each generator stage, one child process per corpus.

The child runs the real pipeline (``pipeline.load_corpus``, then render and write, as
``pipeline.build`` does with ``--no-site``) with a ``Progress`` that measures each stage. Peak memory
per stage is the resident-set high-water mark (``VmHWM``), reset before the stage by writing ``5`` to
``/proc/self/clear_refs`` (Linux); the child's ``ru_maxrss`` is the peak of the whole run. Neither
slows the code measured, unlike tracemalloc.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
STAGES = (
    "taxonomy",
    "read",
    "clean",
    "dedupe",
    "topics",
    "related",
    "mentions",
    "quality",
    "render",
    "search",
    "write",
)


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def measure_in_process(listings: Path, topics: Path, work: Path) -> dict[str, Any]:
    """Run every stage on one corpus in this process; timings and memory per stage."""
    started = time.perf_counter()
    from generator import pipeline, search
    from generator.render import render_site
    from generator.write import write_files

    imported = time.perf_counter() - started
    rows: list[dict[str, Any]] = []

    class Measuring(pipeline.Progress):
        def stage(self, name: str, work: Callable[[], T], total: int | None = None) -> T:
            resettable = _reset_peak()
            before = _status_kib("VmRSS") or 0
            began, cpu = time.perf_counter(), time.process_time()
            result = work()
            seconds = time.perf_counter() - began
            cpu = time.process_time() - cpu
            self.report.timings[name] = round(seconds, 3)
            peak = _status_kib("VmHWM") if resettable else None
            rows.append(
                {
                    "stage": name,
                    "seconds": seconds,
                    "cpu_seconds": cpu,
                    "rss_before_mib": before / 1024,
                    "peak_mib": (peak / 1024) if peak else None,
                    "rss_after_mib": (_status_kib("VmRSS") or 0) / 1024,
                }
            )
            return result

    report = pipeline.Report()
    progress = Measuring(report, quiet=True)
    with pipeline.cycles_uncollected():  # as pipeline.build
        corpus = pipeline.load_corpus([listings], topics, progress)
        files = progress.stage("render", lambda: render_site(corpus))
        engine = search.choose_engine(len(corpus.papers))
        files[search.INDEX_FILE] = progress.stage("search", lambda: search.build(corpus, engine))
    pages = sum(1 for name in files if name.endswith(".md"))
    docs_bytes = sum(len(data) for data in files.values())
    progress.stage("write", lambda: write_files(work / "docs", files))
    return {
        "entries": report.entries,
        "papers": report.papers,
        "warnings": len(report.diagnostics),
        "pages": pages,
        "docs_mib": docs_bytes / 2**20,
        "import_seconds": imported,
        "stages": rows,
        "generator_seconds": sum(r["seconds"] for r in rows),
        # clear_refs also resets what ru_maxrss reports: the run's peak is the highest stage peak.
        "ru_maxrss_mib": max(
            [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024] + [r["peak_mib"] or 0 for r in rows]
        ),
    }


def measure(listings: Path, topics: Path | None = None, keep_docs: Path | None = None) -> dict[str, Any]:
    """Measure one corpus in a fresh child process (so memory figures are that corpus's alone)."""
    topics = topics or ROOT / "data" / "topics.yml"
    work = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    try:
        command = [sys.executable, "-m", "bench", "_stages", str(listings), str(topics), str(work)]
        began = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
        wall = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(f"stage measurement failed:\n{done.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result["process_seconds"] = wall
        if keep_docs is not None:
            if keep_docs.exists():
                shutil.rmtree(keep_docs)
            shutil.move(str(work / "docs"), keep_docs)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def child_main(listings: str, topics: str, work: str) -> int:
    """Entry point of the child process: print the measurement as one JSON line."""
    os.environ.setdefault("PYTHONHASHSEED", "0")
    result = measure_in_process(Path(listings), Path(topics), Path(work))
    print(json.dumps(result))
    return 0
