"""Wall time and peak memory of each generator stage, one child process per corpus.

The child runs the real pipeline (``pipeline.generate``, then write, as ``pipeline.build`` does with
``--no-site``) with a ``Run`` (generator/run.py) that measures each stage. Peak memory per stage is the
resident-set high-water mark (``VmHWM``), reset before the stage by writing ``5`` to
``/proc/self/clear_refs`` (Linux). Stages the pipeline runs in a worker process (``Run.aside``)
report that process's CPU time and high-water mark (pages it shares with the parent included). The
peak of the whole run is the highest sum, over the process and its workers, of the resident set
(``rss``: shared pages counted in each process) and of the proportional set size (``pss``: shared
pages divided between them, the memory really used), sampled every 20 ms. None of this slows the
code measured, unlike tracemalloc.
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
    "similarity",
    "topics",
    "mentions",
    "names",
    "evidence",
    "embedding",
    "related",
    "quality",
    "render",
    "search",
    "pages",
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


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
        except OSError:
            pass
    return found


_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _rss_kib(pid: int) -> int:
    """Resident set of one process in KiB (0 when it is gone): cheap to read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kib(pid: int) -> int:
    """Proportional set size of one process in KiB (0 when it is gone): the kernel walks its pages
    (about 20 ms for 1.5 GB), so it is read less often."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
    except OSError:
        return 0


class TreeSampler:
    """The highest total memory of this process and its children, sampled from a thread: the
    resident sets every 20 ms, the proportional set sizes every second."""

    INTERVAL = 0.02
    PSS_EVERY = 50

    def __init__(self) -> None:
        import threading

        self.rss_kib = self.pss_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        count = 0
        while not self._done.wait(self.INTERVAL):
            tree = _process_tree(os.getpid())
            self.rss_kib = max(self.rss_kib, sum(map(_rss_kib, tree)))
            if count % self.PSS_EVERY == 0:
                self.pss_kib = max(self.pss_kib, sum(map(_pss_kib, tree)))
            count += 1

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def measure_in_process(listings: Path, topics: Path, work: Path, cache: Path | None = None) -> dict[str, Any]:
    """Run every stage on one corpus in this process (and its workers); timings and memory per stage.
    ``cache``: the folder of what earlier builds computed from each text (none: nothing remembered)."""
    started = time.perf_counter()
    from generator import pipeline
    from generator.aside import Usage
    from generator.cache import Cache
    from generator.run import Report, Run
    from generator.write import write_files

    imported = time.perf_counter() - started
    rows: list[dict[str, Any]] = []

    class Measuring(Run):
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

        def done_aside(self, name: str, seconds: float, cpu_seconds: float, usage: Usage) -> None:
            rows.append(
                {
                    "stage": name,
                    "seconds": seconds,
                    "cpu_seconds": cpu_seconds,
                    "peak_mib": usage.peak_mib,
                    "worker": usage.forked,
                }
            )

    report = Report()
    progress = Measuring(report, quiet=True)
    sampler = TreeSampler()
    try:
        _, files, _ = pipeline.generate([listings], topics, progress, cache=Cache(cache) if cache else None)
        pages = sum(1 for name in files if name.endswith(".md"))
        docs_bytes = sum(len(data) for data in files.values())
        progress.stage("write", lambda: write_files(work / "docs", files))
    finally:
        sampler.stop()
    return {
        "entries": report.entries,
        "papers": report.papers,
        "warnings": len(report.diagnostics),
        "pages": pages,
        "docs_mib": docs_bytes / 2**20,
        "import_seconds": imported,
        "stages": rows,
        # Wall time: stages in a worker overlap the others.
        "generator_seconds": report.generator_seconds + next(r["seconds"] for r in rows if r["stage"] == "write"),
        # clear_refs also resets what ru_maxrss reports: the process's peak is the highest stage peak.
        "process_peak_mib": max(
            [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
            + [r["peak_mib"] or 0 for r in rows if not r.get("worker")]
        ),
        "tree_rss_peak_mib": sampler.rss_kib / 1024,
        "tree_pss_peak_mib": sampler.pss_kib / 1024,
        # The table's peak: the process and its workers together, shared pages counted in each.
        "ru_maxrss_mib": sampler.rss_kib / 1024,
    }


def measure(
    listings: Path, topics: Path | None = None, keep_docs: Path | None = None, cache: Path | None = None
) -> dict[str, Any]:
    """Measure one corpus in a fresh child process (so memory figures are that corpus's alone);
    ``cache``: the folder of what earlier builds computed from each text, read and written."""
    topics = topics or ROOT / "data" / "topics.yml"
    work = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    try:
        command = [sys.executable, "-m", "bench", "_stages", str(listings), str(topics), str(work), str(cache or "")]
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


def child_main(listings: str, topics: str, work: str, cache: str = "") -> int:
    """Entry point of the child process: print the measurement as one JSON line."""
    os.environ.setdefault("PYTHONHASHSEED", "0")
    result = measure_in_process(Path(listings), Path(topics), Path(work), Path(cache) if cache else None)
    print(json.dumps(result))
    return 0
