"""The functions that order the stages: read, clean, dedupe, topics, links, render, write, build.

Stages that need each other's results run in order; some that do not run at the same time in a
worker process, on the second core (``Progress.aside``): topics and mentions beside the similarity
of papers, the search index and part of the paper pages beside the rest of the site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import read, search
from .aside import Aside, Usage, can_fork
from .clean import clean_entries
from .dedupe import dedupe
from .embedding import paper_space
from .links import similar_papers
from .mentions import find_mentions
from .model import Corpus, Diagnostic, Entry, Mention, Slug
from .quality import Label, labels_beside, measure_all
from .ranking import name_matrix, rank_related, signals
from .render import render_papers, render_site
from .site import SiteResult, build_sites
from .terminal import say
from .topics import Evidence, assign_topics, closeness, keyword_evidence, load_taxonomy, relevance
from .write import Changes, fill, staged_folder

T = TypeVar("T")

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
    """Seconds per stage (stages run in a worker process overlap the others: see ``Progress.aside``)."""
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


class Progress:
    """Stage-by-stage progress on standard error.

    Each stage ends with a line ``  name... 0.12 s``. On a terminal (standard error a TTY, not in CI,
    ``TERM`` not ``dumb``) a live line shows the stage running, with a spinner and the time elapsed,
    and is replaced by that line when the stage ends; elsewhere (CI logs, pipes) only the plain lines
    are written.
    """

    SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    """Frames of the live line's spinner."""

    INTERVAL = 0.1
    """Seconds between redraws of the live line."""

    def __init__(self, report: Report, quiet: bool = False, live: bool | None = None, workers: bool = True) -> None:
        self.report = report
        self.quiet = quiet
        self.live = not quiet and (self.is_terminal() if live is None else live)
        self.workers = workers
        """Whether stages may run in a worker process (``aside``); False: all in this one (profiling)."""

    def forks(self) -> bool:
        """Whether ``aside`` runs stages in a worker process (allowed, fork exists, a second core)."""
        return self.workers and can_fork()

    @staticmethod
    def is_terminal() -> bool:
        """Whether standard error is a terminal a live line can be redrawn on."""
        import os

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

    @contextlib.contextmanager
    def aside(self, stages: Mapping[str, Callable[[], Any]]) -> Iterator[Callable[[], dict[str, Any]]]:
        """Run ``stages`` (one after the other) in a worker process while the block runs others here.

        The function yielded waits for them and returns their results by stage name, each reported
        as done (``  name... 0.80 s (second process)``). The worker is a fork of this process: the same
        functions on the same data give the same results (generator/aside.py). Where it cannot help
        (no fork, a single core) the stages run here, when their results are asked for. Leaving the
        block early (an error, Ctrl-C) stops the worker.
        """
        worker = Aside(lambda: _timed(stages)) if self.forks() else None

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


@contextlib.contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Pause Python's cycle collector for the block (the stages), as it was before afterwards.

    The stages make millions of objects that live until the end, and almost no reference cycles
    (about 140 unreachable objects at 10k papers); each full collection walks every live object
    again, which cost 1.3 of 10 CPU-seconds at 10k papers and 12 of 106 at 100k. Memory is still
    freed as usual, by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _timed(stages: Mapping[str, Callable[[], Any]]) -> list[tuple[str, Any, float, float]]:
    """Run the stages one after the other: ``(name, result, seconds, CPU seconds)`` of each."""
    done = []
    for name, work in stages.items():
        began, cpu = time.perf_counter(), time.process_time()
        value = work()
        done.append((name, value, time.perf_counter() - began, time.process_time() - cpu))
    return done


def load_corpus(paths: Sequence[Path], topics_file: Path, progress: Progress) -> Corpus:
    """Every stage before writing: listings and taxonomy in, corpus with its relations out."""
    with cycles_uncollected():
        return _load_corpus(paths, topics_file, progress)


def _load_corpus(paths: Sequence[Path], topics_file: Path, progress: Progress) -> Corpus:
    report = progress.report
    taxonomy = progress.stage("taxonomy", lambda: load_taxonomy(topics_file))
    labelled_papers: dict[Slug, Label] | None = labels_beside(topics_file, taxonomy.topics)
    entries: list[Entry] = []

    def read_all() -> None:
        reading = read.read_paths(paths)
        entries.extend(reading.entries)
        report.diagnostics.extend(reading.diagnostics)

    progress.stage("read", read_all)
    cleaning = progress.stage("clean", lambda: clean_entries(entries))
    report.diagnostics.extend(cleaning.diagnostics)
    cleaned = cleaning.entries
    papers = progress.stage("dedupe", lambda: dedupe(cleaned, report.diagnostics.append))
    # Keyword evidence, mentions, coined names and the papers' word vectors need only the papers, and
    # so does the costly first step of related papers (which pairs are similar): they run at the same
    # time, on two cores.
    labels = {
        "evidence": lambda: keyword_evidence(papers, taxonomy),
        "mentions": lambda: find_mentions(papers),
        "names": lambda: name_matrix(papers),
        "embedding": lambda: paper_space(papers),
    }
    with progress.aside(labels) as labelled:
        similarity = progress.stage("similarity", lambda: similar_papers(papers), total=len(papers))
        found = labelled()
    evidence: Evidence = found["evidence"]
    mentions: dict[Slug, tuple[Mention, ...]] = found["mentions"]

    def topics() -> tuple[dict[Slug, tuple[Slug, ...]], Any, dict[Slug, dict[Slug, float]]]:
        close = (
            closeness(evidence, similarity.matrix, similarity.vectorizer.transform, taxonomy)
            if similarity.matrix is not None
            else None
        )
        assigned = assign_topics(papers, taxonomy, evidence, close)
        return assigned, close, relevance(papers, taxonomy, evidence, close, assigned)

    paper_topics, close, paper_relevance = progress.stage("topics", topics)
    ranking = signals(
        similarity,
        papers,
        paper_topics,
        taxonomy.topics,
        close,
        mentions,
        taxonomy.fallback,
        found["names"],
        found["embedding"],
    )
    related = progress.stage("related", lambda: rank_related(ranking))
    report.entries, report.papers, report.topics = len(entries), len(papers), len(taxonomy.topics)
    corpus = Corpus(
        papers=papers,
        topics=taxonomy.topics,
        paper_topics=paper_topics,
        related=related,
        entries=len(entries),
        diagnostics=tuple(report.diagnostics),
        fallback=taxonomy.fallback,
        mentions=mentions,
        relevance=paper_relevance,
    )
    quality = progress.stage("quality", lambda: measure_all(corpus, labelled_papers, ranking))
    return dataclasses.replace(corpus, quality=quality)


def source_epoch(corpus: Corpus) -> int:
    """The build date of the site: midnight UTC of the newest paper date (0 when none is known)."""
    dates = [p.date for p in corpus.papers if p.date]
    if not dates:
        return 0
    return int(dt.datetime.combine(max(dates), dt.time(), tzinfo=dt.UTC).timestamp())


def check(paths: Sequence[Path], topics_file: Path, quiet: bool = False) -> Report:
    """Validate the input and the taxonomy; write nothing."""
    report = Report()
    progress = Progress(report, quiet)
    started = time.perf_counter()
    with cycles_uncollected():
        corpus = load_corpus(paths, topics_file, progress)
        files = progress.stage("render", lambda: render_site(corpus))
    report.generator_seconds = round(time.perf_counter() - started, 3)
    report.pages = sum(1 for name in files if name.endswith(".md"))
    return report


def generate(
    paths: Sequence[Path], topics_file: Path, progress: Progress, search_engine: str = "auto"
) -> tuple[Corpus, dict[str, bytes], str]:
    """Every stage before writing: the corpus, every file of docs/ by relative path (the search
    index included), and the engine of the hosted site's search box (``search.choose_engine``)."""
    started = time.perf_counter()
    with cycles_uncollected():
        corpus = load_corpus(paths, topics_file, progress)
        engine = search.choose_engine(len(corpus.papers), search_engine)
        # The search index needs the corpus, not the pages: a worker builds it, then renders some of
        # the paper pages, while this process renders the rest.
        share, every = WORKER_PAGES
        aside = (
            frozenset(p.slug for i, p in enumerate(corpus.papers) if i % every < share)
            if progress.forks()
            else frozenset()
        )
        worker = {"search": lambda: search.build(corpus, engine), "pages": lambda: render_papers(corpus, aside)}
        with progress.aside(worker) as done:
            files = progress.stage(
                "render", lambda: render_site(corpus, elsewhere=aside), total=len(corpus.papers) - len(aside)
            )
            found = done()
        files = dict(sorted({**files, **found["pages"]}.items()))
        files[search.INDEX_FILE] = found["search"]
    progress.report.generator_seconds = round(time.perf_counter() - started, 3)
    progress.report.pages = sum(1 for name in files if name.endswith(".md"))
    return corpus, files, engine


def build(
    paths: Sequence[Path],
    topics_file: Path,
    root: Path,
    sites: bool = True,
    quiet: bool = False,
    search_engine: str = "auto",
) -> Report:
    """Generate docs/ from the listings, then build the hosted site from it and derive the offline one.

    ``search_engine``: what answers the hosted site's search box (``search.choose_engine``).
    """
    report = Report()
    progress = Progress(report, quiet)
    corpus, files, engine = generate(paths, topics_file, progress, search_engine)
    # The sites are built from the staged docs/, which is swapped in last: a run killed while MkDocs
    # works leaves docs/, site/ and site-offline/ as they were.
    with staged_folder(root / "docs") as docs:
        progress.stage("write", lambda: fill(docs, files), total=len(files))
        report.generator_seconds = round(report.generator_seconds + report.timings["write"], 3)
        if sites:
            report.sites = build_sites(
                root,
                source_epoch(corpus),
                docs.path,
                pagefind=engine == "pagefind",
                stage=progress.stage,
                aside_done=lambda name, usage: progress.done_aside(name, usage.seconds, usage.cpu_seconds, usage),
            )
    report.docs = docs.changes
    return report
