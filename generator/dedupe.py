"""Entries to papers: group by identity, merge metadata, keep every source.

Entries whose titles share an identity key are copies of one paper unless their abstracts are
different works (``ids.same_work``): then each work is a paper of its own. The earliest dated keeps
the title's slug, the others get ``ids.variant_slug``, and a warning names the places of both.
Entries whose titles name nothing (punctuation, emoji) are one paper only when their abstracts match
(``ids.paper_key``). Papers whose titles ask for one slug get distinct ones (``ids.distinct_slugs``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from .ids import (
    VARIANT_WORDS,
    distinct_slugs,
    named,
    organisation_slugs,
    paper_key,
    slugify,
    variant_hash,
    variant_slug,
    works,
)
from .model import Diagnostic, Entry, Organisation, Paper, Slug

Warn = Callable[[Diagnostic], None]


def dedupe(entries: Iterable[Entry], warn: Warn | None = None) -> tuple[Paper, ...]:
    """One paper per work, sorted by slug; the result does not depend on entry order.

    ``warn`` is told of each title that two different papers share (in source order).
    """
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[paper_key(entry.title, entry.abstract)].append(entry)
    split = {key: _works(sorted(group, key=lambda e: e.source)) for key, group in groups.items()}
    organisations = _organisations(work for parts in split.values() for work in parts)
    papers: list[Paper] = []
    warnings: list[Diagnostic] = []
    for key, parts in split.items():
        if len(parts) == 1:
            papers.append(_merge(key, parts[0], organisations))
        else:
            shared = _variants(key, parts, organisations)
            papers.extend(shared)
            warnings.extend(_shared_title(shared[0], variant) for variant in shared[1:])
    papers = [p if s == p.slug else replace(p, slug=s) for p, s in zip(papers, distinct_slugs(papers), strict=True)]
    if warn is not None:
        for warning in sorted(warnings, key=lambda d: d.source):
            warn(warning)
    return tuple(sorted(papers, key=lambda p: p.slug))


def _organisation(work: list[Entry]) -> Organisation | None:
    """The organisation a paper shows: the first of those its copies show."""
    return min((e.organisation for e in work if e.organisation is not None), default=None)


def _organisations(works: Iterable[list[Entry]]) -> dict[Organisation, Organisation]:
    """The organisation each paper shows, with the slug of its page (``ids.organisation_slugs``)."""
    shown = {o for work in works if (o := _organisation(work)) is not None}
    slugs = organisation_slugs({o.handle for o in shown})
    return {o: replace(o, slug=slugs[o.handle]) for o in shown}


def _works(group: list[Entry]) -> list[list[Entry]]:
    """The entries of one title (sorted by source) split into works (``ids.works``), each sorted."""
    if all(e.abstract == group[0].abstract for e in group):  # most titles: one entry or exact copies
        return [group]
    index = {abstract: i for i, work in enumerate(works(e.abstract for e in group)) for abstract in work}
    split: dict[int, list[Entry]] = defaultdict(list)
    for entry in group:
        split[index[entry.abstract]].append(entry)
    return list(split.values())


def _variants(key: str, works: list[list[Entry]], organisations: Mapping[Organisation, Organisation]) -> list[Paper]:
    """Papers of different works sharing one title: the earliest dated (then by abstract) first, with the
    title's slug; the others with a variant slug (a hash of all the abstract's words where the first
    ones are alike)."""
    papers = [_merge(key, work, organisations) for work in works]
    hashes = Counter(variant_hash(p.abstract) for p in papers)
    papers.sort(key=lambda p: (p.date or dt.date.max, variant_hash(p.abstract), p.sources))

    def slug(paper: Paper) -> Slug:
        words = None if hashes[variant_hash(paper.abstract)] > 1 else VARIANT_WORDS
        return variant_slug(paper.title, paper.abstract, words)

    first, *others = papers
    return [first, *(replace(p, slug=slug(p)) for p in others)]


def _shared_title(first: Paper, other: Paper) -> Diagnostic:
    """The warning for a title that two different papers hold."""
    return Diagnostic(
        other.sources[0],
        f"title {other.title!r} is also at {first.sources[0]}, with a different abstract: read as two papers, "
        f"papers/{first.slug}/ and papers/{other.slug}/; if they are one paper, make one abstract a copy of the other",
    )


def _merge(key: str, group: list[Entry], organisations: Mapping[Organisation, Organisation]) -> Paper:
    """Merge copies (sorted by source): the commonest title, the longest abstract, known metadata;
    ``organisations`` gives the organisation shown with its page's slug."""
    titles = Counter(e.title for e in group)
    title = max(titles, key=lambda t: (titles[t], -_first_index(group, t)))
    abstract = max((e.abstract for e in group), key=len)
    dates = sorted({e.date for e in group if e.date is not None})
    authors = [e.authors for e in group if e.authors is not None]
    upvotes = [e.upvotes for e in group if e.upvotes is not None]
    organisation = _organisation(group)
    return Paper(
        # A title that names nothing (``ids.named``) is told apart by its abstract, as its key is.
        slug=slugify(title) if named(title) else variant_slug(title, abstract, None),
        key=key,
        title=title,
        abstract=abstract,
        sources=tuple(e.source for e in group),
        authors=max(authors) if authors else None,
        date=dates[0] if dates else None,
        upvotes=max(upvotes) if upvotes else None,
        organisation=organisations[organisation] if organisation else None,
        links=tuple(sorted({link for e in group for link in e.links})),
    )


def _first_index(group: list[Entry], title: str) -> int:
    return next(i for i, e in enumerate(group) if e.title == title)
