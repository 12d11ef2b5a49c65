"""The data that flows between stages: frozen dataclasses, derived with dataclasses.replace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NewType

Slug = NewType("Slug", str)
"""A URL path segment: lower-case ASCII letters, digits and hyphens."""


@dataclass(frozen=True, order=True)
class Source:
    """Where an entry was read: a listing file and a 1-based line number."""

    file: str
    """The listing's path as messages name it (relative to the working folder when inside it)."""
    line: int
    """The line of the entry's title."""
    path: str = ""
    """The listing's path as the site shows it (``read.site_names``): never absolute nor under the
    home folder; ``file`` when not given."""

    def __post_init__(self) -> None:
        if not self.path:
            object.__setattr__(self, "path", self.file)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def where(self) -> str:
        """The place as the site shows it: ``path:line``."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Diagnostic:
    """A warning about the input that does not stop the build."""

    source: Source
    """Where the problem is."""
    message: str
    """What is wrong and what to do about it."""

    def __str__(self) -> str:
        return f"{self.source}: warning: {self.message}"


@dataclass(frozen=True, order=True)
class Organisation:
    """An organisation line from a listing: a handle and a display name."""

    handle: str
    """The short account name, e.g. ``openbmb``."""
    name: str
    """The display name, e.g. ``OpenBMB``."""
    slug: Slug = field(default=Slug(""), compare=False)
    """The URL segment of the organisation's page (filled by the dedupe stage: ``ids.organisation_slugs``)."""


@dataclass(frozen=True, order=True)
class Link:
    """A code, model, data or project link found in an abstract."""

    url: str
    """The address, without the sentence's trailing punctuation."""
    kind: str
    """One of ``code``, ``model``, ``dataset``, ``demo``, ``project``."""


@dataclass(frozen=True)
class Entry:
    """One paper as one listing shows it."""

    title: str
    """The title as read (cleaned by the clean stage)."""
    abstract: str
    """The abstract as read (cleaned by the clean stage)."""
    source: Source
    """Where the title was read."""
    authors: int | None = None
    """The author count from a ``• N authors`` line."""
    date: dt.date | None = None
    """The paper's date from its metadata line."""
    upvotes: int | None = None
    """The upvote count after the date, if shown."""
    organisation: Organisation | None = None
    """The organisation line, if shown."""
    links: tuple[Link, ...] = ()
    """Links found in the abstract (filled by the clean stage)."""


@dataclass(frozen=True)
class Paper:
    """A deduplicated paper: every entry with the same identity merged."""

    slug: Slug
    """The URL segment, a function of the identity key alone."""
    key: str
    """The identity key the entries were grouped by (``ids.paper_key``)."""
    title: str
    """The title shown."""
    abstract: str
    """The abstract shown (the longest copy)."""
    sources: tuple[Source, ...]
    """Every place the paper was read, sorted."""
    authors: int | None = None
    """The author count, if any copy states it."""
    date: dt.date | None = None
    """The paper's date, if any copy states it."""
    upvotes: int | None = None
    """The highest upvote count any copy shows."""
    organisation: Organisation | None = None
    """The organisation, if any copy shows one."""
    links: tuple[Link, ...] = ()
    """Code and project links from every copy, sorted."""

    @property
    def listings(self) -> tuple[str, ...]:
        """The listing files the paper appeared in, as the site names them, sorted."""
        return tuple(sorted({s.path for s in self.sources}))


@dataclass(frozen=True)
class Rule:
    """A compiled matching rule of a topic."""

    pattern: str
    """The text of the rule as the user wrote it."""
    weight: float
    """What one match in the abstract adds to the score (a title match counts ``title_weight`` times)."""


@dataclass(frozen=True)
class Topic:
    """A topic of the taxonomy."""

    slug: Slug
    """The URL segment of the topic page."""
    name: str
    """The name shown, also the tag on paper pages."""
    description: str
    """One sentence saying what belongs here."""
    parent: Slug | None
    """The broader topic, if any."""
    keywords: tuple[str, ...]
    """Phrases that count as evidence (case-insensitive, whole words, ``*`` at the end for a prefix)."""
    title_keywords: tuple[str, ...] = ()
    """Phrases that count only when the title holds them (``Benchmark``, ``Evaluating``)."""
    exclude: tuple[str, ...] = ()
    """Phrases that veto the topic when found in the title or abstract."""
    title_weight: float = 3.0
    """How many abstract matches one title match is worth."""
    threshold: float = 2.0
    """The score a paper needs to get the topic."""
    kind: str = "subject"
    """``subject`` (what a paper is about), ``facet`` (what kind of paper: evaluations) or ``survey``:
    papers that share only a facet or a survey topic are not alike for it."""
    line: int = 0
    """The line of the topic in the taxonomy file, for messages."""


@dataclass(frozen=True, order=True)
class Related:
    """A link from one paper to a similar one."""

    score: float
    """How likely a reader finds the pair related, 0 to 1 (``generator/ranking.py``): what orders the list."""
    target: Slug
    """The related paper."""
    terms: tuple[str, ...] = ()
    """The key phrases the two papers share that weigh most."""
    mention: str = ""
    """``named in this abstract`` (the paper's abstract names the related paper's method) or ``names
    this paper`` (the other way round); empty when neither."""


@dataclass(frozen=True, order=True)
class Mention:
    """A name in one paper's abstract that links to the paper introducing it."""

    start: int
    """Offset of the name in the abstract."""
    end: int
    """Offset just after the name."""
    target: Slug
    """The paper that introduces the name."""


@dataclass(frozen=True)
class Quality:
    """Agreement of the build with the papers labelled by reading (``generator/quality.py``)."""

    papers: int
    """Labelled papers found in the corpus."""
    precision: float
    """Share of assigned topics (with their broader ones) that the labels hold central or acceptable."""
    recall: float
    """Share of the labels' central topics (with their broader ones) that were assigned."""
    related_recall: float
    """Mean share of a paper's strong related papers (up to 5) among the 5 it shows."""
    related_precision: float
    """Mean share of the 5 shown related papers that the labels hold strong or acceptable."""
    held_out_recall: float | None = None
    """``related_recall`` with the ranking's weights fitted without the paper (cross-validation)."""
    held_out_precision: float | None = None
    """``related_precision`` the same way."""


@dataclass(frozen=True)
class Corpus:
    """Everything the write stage needs: papers and the relations beside them."""

    papers: tuple[Paper, ...]
    """Every paper, sorted by slug."""
    topics: tuple[Topic, ...]
    """Every topic, in taxonomy order."""
    paper_topics: dict[Slug, tuple[Slug, ...]]
    """The topics of each paper, most specific first."""
    related: dict[Slug, tuple[Related, ...]]
    """The related papers of each paper, most similar first."""
    fallback: Slug | None = None
    """The topic of papers that no rule matches."""
    mentions: dict[Slug, tuple[Mention, ...]] = field(default_factory=dict)
    """Names in each paper's abstract that link to the paper introducing them, in text order."""
    relevance: dict[Slug, dict[Slug, float]] = field(default_factory=dict)
    """How relevant each paper is to each topic of its family (its topics and their broader ones),
    higher first (``topics.relevance``): what orders a topic's page. A paper missing here counts 0."""
    quality: tuple[Quality, ...] = ()
    """How topics and related links agree with hand labels, when label files exist."""
    entries: int = 0
    """How many entries were read."""
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    """Warnings about the input."""


# --- facts derived from the model, computed one way for every page and the search file ---------------


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """Dated papers newest first, then undated ones, ties by title."""
    return sorted(
        papers, key=lambda p: (p.date is None, -(p.date.toordinal() if p.date else 0), p.title.casefold(), p.slug)
    )


def ancestors(topic: Topic, topics: Mapping[Slug, Topic]) -> list[Topic]:
    """The topic's broader topics, nearest first."""
    chain = []
    while topic.parent:
        topic = topics[topic.parent]
        chain.append(topic)
    return chain


def with_broader(tags: Iterable[Topic], topics: Mapping[Slug, Topic]) -> list[Topic]:
    """A paper's topics and the broader topics they are part of, each once: each topic, then its
    broader ones nearest first, in the order of ``tags``. A paper belongs to the family of each."""
    found: dict[Slug, Topic] = {}
    for topic in tags:
        found.setdefault(topic.slug, topic)
        for broader in ancestors(topic, topics):
            found.setdefault(broader.slug, broader)
    return list(found.values())
