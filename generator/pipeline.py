"""The one function that orders the stages: read, clean, dedupe, topics, links, render, write, build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from . import read
from .clean import clean_entry
from .dedupe import dedupe
from .links import related_papers
from .mentions import find_mentions
from .model import Corpus, Diagnostic, Entry
from .quality import measure_all
from .render import render_site
from .site import SiteResult, build_sites
from .topics import assign_topics, load_taxonomy
from .write import Changes, fill, staged_folder

T = TypeVar("T")


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
    """Seconds per stage."""
    docs: Changes | None = None
    """What changed in docs/."""
    sites: list[SiteResult] = field(default_factory=list)
    """What each MkDocs build did."""

    @property
    def duplicates(self) -> int:
        """Entries merged into another copy of the same paper."""
        return self.entries - self.papers


class Progress:
    """Stage-by-stage progress lines on standard error."""

    def __init__(self, report: Report, quiet: bool = False) -> None:
        self.report = report
        self.quiet = quiet

    def stage(self, name: str, work: Callable[[], T]) -> T:
        """Run one stage, timing it and saying so."""
        if not self.quiet:
            print(f"  {name}...", end="", file=sys.stderr, flush=True)
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        self.report.timings[name] = round(seconds, 3)
        if not self.quiet:
            print(f" {seconds:.2f} s", file=sys.stderr, flush=True)
        return result


def load_corpus(paths: Sequence[Path], topics_file: Path, progress: Progress) -> Corpus:
    """Every stage before writing: listings and taxonomy in, corpus with its relations out."""
    report = progress.report
    taxonomy = progress.stage("taxonomy", lambda: load_taxonomy(topics_file))
    entries: list[Entry] = []

    def read_all() -> None:
        reading = read.read_paths(paths)
        entries.extend(reading.entries)
        report.diagnostics.extend(reading.diagnostics)

    progress.stage("read", read_all)
    cleaned = progress.stage("clean", lambda: [clean_entry(e) for e in entries])
    papers = progress.stage("dedupe", lambda: dedupe(cleaned))
    paper_topics = progress.stage("topics", lambda: assign_topics(papers, taxonomy))
    related = progress.stage("related", lambda: related_papers(papers, paper_topics))
    mentions = progress.stage("mentions", lambda: find_mentions(papers))
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
    )
    quality = progress.stage("quality", lambda: measure_all(corpus, topics_file.parent))
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
    corpus = load_corpus(paths, topics_file, progress)
    files = progress.stage("render", lambda: render_site(corpus))
    report.pages = sum(1 for name in files if name.endswith(".md"))
    return report


def build(paths: Sequence[Path], topics_file: Path, root: Path, sites: bool = True, quiet: bool = False) -> Report:
    """Generate docs/ from the listings, then build the hosted and offline sites from it."""
    report = Report()
    progress = Progress(report, quiet)
    corpus = load_corpus(paths, topics_file, progress)
    files = progress.stage("render", lambda: render_site(corpus))
    report.pages = sum(1 for name in files if name.endswith(".md"))
    # The sites are built from the staged docs/, which is swapped in last: a run killed while MkDocs
    # works leaves docs/, site/ and site-offline/ as they were.
    with staged_folder(root / "docs") as docs:
        progress.stage("write", lambda: fill(docs, files))
        if sites:
            report.sites = progress.stage("mkdocs", lambda: build_sites(root, source_epoch(corpus), docs.path))
    report.docs = docs.changes
    return report
