"""Entries to papers: group by identity key, merge metadata, keep every source."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .ids import identity_key, slugify
from .model import Entry, Paper, Slug


def dedupe(entries: Iterable[Entry]) -> tuple[Paper, ...]:
    """One paper per identity key, sorted by slug; the result does not depend on entry order."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[identity_key(entry.title)].append(entry)
    papers = [_merge(key, sorted(group, key=lambda e: e.source)) for key, group in groups.items()]
    slugs: dict[Slug, str] = {}
    for paper in papers:
        other = slugs.setdefault(paper.slug, paper.key)
        if other != paper.key:  # astronomically rare: two hashes collide
            raise AssertionError(f"slug {paper.slug} is shared by {other!r} and {paper.key!r}")
    return tuple(sorted(papers, key=lambda p: p.slug))


def _merge(key: str, group: list[Entry]) -> Paper:
    """Merge copies (sorted by source): the commonest title, the longest abstract, known metadata."""
    titles = Counter(e.title for e in group)
    title = max(titles, key=lambda t: (titles[t], -_first_index(group, t)))
    abstract = max((e.abstract for e in group), key=len)
    dates = sorted({e.date for e in group if e.date is not None})
    authors = [e.authors for e in group if e.authors is not None]
    upvotes = [e.upvotes for e in group if e.upvotes is not None]
    organisations = sorted({e.organisation for e in group if e.organisation is not None})
    return Paper(
        slug=slugify(title),
        key=key,
        title=title,
        abstract=abstract,
        sources=tuple(e.source for e in group),
        authors=max(authors) if authors else None,
        date=dates[0] if dates else None,
        upvotes=max(upvotes) if upvotes else None,
        organisation=organisations[0] if organisations else None,
        links=tuple(sorted({link for e in group for link in e.links})),
    )


def _first_index(group: list[Entry], title: str) -> int:
    return next(i for i, e in enumerate(group) if e.title == title)
