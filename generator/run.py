"""How the stages of a build are run, apart from what they do (generator/pipeline.py says that).

A :class:`Run` times each stage and shows it (a live line on a terminal, plain lines elsewhere,
nothing when quiet), runs the stages that do not need each other side by side on the second core
(:meth:`Run.together`: which ones go to the worker process is :data:`ASIDE`, how many paper pages
:data:`WORKER_PAGES`), and pauses Python's cycle collector while the generator works
(``with run:``). Its :class:`Report` is what the run did, for the summary line and ``--json``.
The stages themselves count their work for the progress bar in generator/progress.py, which knows
nothing of this module.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .aside import Aside, Usage, can_fork
from .model import Corpus, Diagnostic, Paper, Slug
from .terminal import say

if TYPE_CHECKING:
    from .site import SiteResult
    from .write import Changes

T = TypeVar("T")

ASIDE = frozenset({"evidence", "names", "embedding", "search", "pages"})
"""The stages the worker process runs, one after the other, while this process runs the others of
the same :meth:`Run.together` (beside similarity and mentions: keyword evidence, coined names and
the word vectors; beside the render: the search index, then part of the paper pages). Measured at
10k papers: similarity and mentions 3.9 s here, the other three 3.7 s there."""

ALSO_ASIDE = frozenset({"mentions"})
"""Stages the worker also runs when the cache holds most of its own work (``together(remembered=True)``):
the keyword evidence and the word vectors' tokens then take a fraction of their time, and the worker
would wait for this process. Measured at 100k papers with a warm cache: similarity 33 s here against
evidence, names and embedding 15 s there, and mentions 12 s."""

WORKER_PAGES = (4, 7)
"""The worker renders 4 paper pages of every 7 after the search index: the two processes then take
about as long (measured at 10k and 100k papers; the rest of the site is rendered here)."""


@dataclass
class Report:
    """What a run did, for the summary line and ``--json``."""

    entries: int = 0
    """Entries read from the listings."""
    papers: int = 0
    """Distinct papers after merging duplicates."""
    topics: int = 0
    """Topics in the taxonomy."""
    pages: int = 0
    """Markdown pages generated."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Warnings about the input."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage (stages run in a worker process overlap the others: see ``Run.aside``)."""
    generator_seconds: float = 0.0
    """Wall time of the stages before MkDocs (the write included), stages run side by side counted once."""
    docs: Changes | None = None
    """What changed in docs/."""
    sites: list[SiteResult] = field(default_factory=list)
    """What each MkDocs build did."""

    @property
    def duplicates(self) -> int:
        """Entries merged into another copy of the same paper."""
        return self.entries - self.papers

    def count(self, corpus: Corpus, files: Collection[str]) -> None:
        """Take the counts and warnings of a corpus and of the files of docs/ rendered from it."""
        self.entries, self.papers, self.topics = corpus.entries, len(corpus.papers), len(corpus.topics)
        self.diagnostics = list(corpus.diagnostics)
        self.pages = sum(1 for name in files if name.endswith(".md"))


@dataclass(frozen=True)
class Counted(Generic[T]):
    """A stage that counts its work with ``progress.advance``, drawn as a bar on a terminal."""

    work: Callable[[], T]
    """The stage."""
    total: int
    """Units of work it counts (the bar's end)."""


class Run:
    """The stages of one build, timed, shown and scheduled.

    Each stage ends with a line ``  name... 0.12 s``. On a terminal (standard error a TTY, not in CI,
    ``TERM`` not ``dumb``) a live line shows the stage running, with a spinner and the time elapsed,
    and is replaced by that line when the stage ends; elsewhere (CI logs, pipes) only the plain lines
    are written; quiet, nothing. ``Run()`` is a quiet one, for a caller without a terminal.

    Inside ``with run:`` (nested blocks count once) the generator's stages run: Python's cycle
    collector is paused, and the block's wall time counts in ``report.generator_seconds``. The stages
    make millions of objects that live until the end, and almost no reference cycles (about 140
    unreachable objects at 10k papers); each full collection walks every live object again, which
    cost 1.3 of 10 CPU-seconds at 10k papers and 12 of 106 at 100k. Memory is still freed as usual,
    by reference counting.
    """

    SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    """Frames of the live line's spinner."""

    INTERVAL = 0.1
    """Seconds between redraws of the live line."""

    def __init__(
        self, report: Report | None = None, quiet: bool = True, live: bool | None = None, workers: bool = True
    ) -> None:
        self.report = report if report is not None else Report()
        self.quiet = quiet
        self.live = not quiet and (self.is_terminal() if live is None else live)
        self.workers = workers
        """Whether stages may run in a worker process (``aside``); False: all in this one (profiling)."""
        self._depth = 0
        self._collecting = False
        self._began = 0.0

    def __enter__(self) -> Run:
        if self._depth == 0:
            self._collecting = gc.isenabled()
            gc.disable()
            self._began = time.perf_counter()
        self._depth += 1
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            if self._collecting:
                gc.enable()
            spent = time.perf_counter() - self._began
            self.report.generator_seconds = round(self.report.generator_seconds + spent, 3)

    def forks(self) -> bool:
        """Whether ``aside`` runs stages in a worker process (allowed, fork exists, a second core)."""
        return self.workers and can_fork()

    @staticmethod
    def is_terminal() -> bool:
        """Whether standard error is a terminal a live line can be redrawn on."""
        if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
            return False
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError):  # replaced or closed stream
            return False

    def stage(self, name: str, work: Callable[[], T], total: int | None = None) -> T:
        """Run one stage, timing it and saying so; ``total``: units of work the stage counts with
        ``progress.advance``, drawn as a bar on a terminal."""
        if self.quiet:
            started = time.perf_counter()
            result = work()
            self.report.timings[name] = round(time.perf_counter() - started, 3)
            return result
        if not self.live:
            say(f"  {name}...", error=True, end="", flush=True)
        stop = self._show_running(name, total) if self.live else None
        started = time.perf_counter()
        try:
            result = work()
        finally:
            if stop is not None:
                stop()
        seconds = time.perf_counter() - started
        self.report.timings[name] = round(seconds, 3)
        say(f"{f'  {name}...' if self.live else ''} {seconds:.2f} s", error=True, flush=True)
        return result

    def together(
        self, stages: Mapping[str, Callable[[], Any] | Counted[Any]], remembered: bool = False
    ) -> dict[str, Any]:
        """Run stages that need none of each other's results: those of :data:`ASIDE` (and of
        :data:`ALSO_ASIDE` when the cache holds most of their work: ``remembered``) in a worker
        process, one after the other, the others here meanwhile, in the order given; their results
        by stage name (a worker's stage draws no bar)."""
        away = ASIDE | ALSO_ASIDE if remembered else ASIDE
        aside = {n: s.work if isinstance(s, Counted) else s for n, s in stages.items() if n in away}
        here = {n: s if isinstance(s, Counted) else Counted(s, 0) for n, s in stages.items() if n not in away}
        with self.aside(aside) as results:
            done = {name: self.stage(name, stage.work, stage.total or None) for name, stage in here.items()}
            return {**done, **results()}

    def worker_pages(self, papers: Sequence[Paper]) -> frozenset[Slug]:
        """The papers whose pages the worker renders (the ``pages`` stage): :data:`WORKER_PAGES`, or
        none when there is no worker (the ``render`` stage then renders them all)."""
        if not self.forks():
            return frozenset()
        share, every = WORKER_PAGES
        return frozenset(p.slug for i, p in enumerate(papers) if i % every < share)

    @contextlib.contextmanager
    def aside(self, stages: Mapping[str, Callable[[], Any]]) -> Iterator[Callable[[], dict[str, Any]]]:
        """Run ``stages`` (one after the other) in a worker process while the block runs others here.

        The function yielded waits for them and returns their results by stage name, each reported
        as done (``  name... 0.80 s (second process)``). The worker is a fork of this process: the same
        functions on the same data give the same results (generator/aside.py). Where it cannot help
        (no fork, a single core) the stages run here, when their results are asked for. Leaving the
        block early (an error, Ctrl-C) stops the worker.
        """
        worker = Aside(lambda: _timed(stages)) if stages and self.forks() else None

        def results() -> dict[str, Any]:
            if worker is None:
                return {name: self.stage(name, work) for name, work in stages.items()}
            values = {}
            for name, value, seconds, cpu_seconds in worker.result():
                assert worker.usage is not None
                self.report.timings[name] = round(seconds, 3)
                self.done_aside(name, seconds, cpu_seconds, worker.usage)
                values[name] = value
            return values

        try:
            yield results
        finally:
            if worker is not None:
                worker.cancel()

    def done_aside(self, name: str, seconds: float, cpu_seconds: float, usage: Usage) -> None:
        """Say that a stage run in a worker process is done."""
        if not self.quiet:
            say(f"  {name}... {seconds:.2f} s (second process)", error=True, flush=True)

    def _show_running(self, name: str, total: int | None = None) -> Callable[[], None]:
        """Start redrawing ``  name... 00:03, ⠹`` (or, with a ``total``, a bar of the work counted by
        ``progress.advance``) from a thread; the function returned erases it."""
        import threading

        from tqdm import tqdm  # type: ignore[import-untyped]

        from . import progress

        # No tqdm monitor thread: the redraw thread below refreshes the bar, and a thread writing to
        # stderr while the worker process is forked could leave the worker a locked stream.
        tqdm.monitor_interval = 0

        progress.reset()
        if total:
            layout = "{desc} {percentage:3.0f}% |{bar:20}| {n_fmt}/{total_fmt} {elapsed}<{remaining}"
            bar = tqdm(desc=f"  {name}...", total=total, bar_format=layout, file=sys.stderr, leave=False)
        else:
            bar = tqdm(desc=f"  {name}...", bar_format="{desc} {elapsed}{postfix}", file=sys.stderr, leave=False)
        done = threading.Event()

        def redraw() -> None:
            frame = 0
            while not done.wait(self.INTERVAL):
                frame += 1
                if total:
                    bar.n = min(progress.done(), total)
                    bar.refresh()
                else:
                    bar.set_postfix_str(self.SPINNER[frame % len(self.SPINNER)], refresh=True)

        thread = threading.Thread(target=redraw, name=f"progress-{name}", daemon=True)
        thread.start()

        def stop() -> None:
            done.set()
            thread.join()
            bar.close()

        return stop


def _timed(stages: Mapping[str, Callable[[], Any]]) -> list[tuple[str, Any, float, float]]:
    """Run the stages one after the other: ``(name, result, seconds, CPU seconds)`` of each."""
    done = []
    for name, work in stages.items():
        began, cpu = time.perf_counter(), time.process_time()
        value = work()
        done.append((name, value, time.perf_counter() - began, time.process_time() - cpu))
    return done
