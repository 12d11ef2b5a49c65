"""How good topics and related links are, measured against papers labelled by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import TaxonomyError
from .model import Corpus, Slug, Topic

LABELS_FILE = Path("data/topic-labels.yml")
"""Hand-labelled topics of a sample of papers: ``slug: [topic name, ...]``."""


@dataclass(frozen=True)
class Quality:
    """Agreement of the build with the hand labels."""

    papers: int
    """Labelled papers found in the corpus."""
    precision: float
    """Share of assigned topics (with their parents) that the labels hold."""
    recall: float
    """Share of labelled topics (with their parents) that were assigned."""
    related_links: int
    """Related links between two labelled papers."""
    related_agreement: float
    """Share of those links whose two papers share a labelled topic (parents included)."""


def load_labels(path: Path, topics: tuple[Topic, ...]) -> dict[Slug, tuple[Slug, ...]]:
    """Read the labels file; topic names must be those of the taxonomy."""
    by_name = {t.name: t.slug for t in topics}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = {}
    for slug, names in data.items():
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise TaxonomyError(f"paper {slug!r}: unknown topic(s) {', '.join(unknown)}", path.as_posix())
        labels[Slug(slug)] = tuple(by_name[n] for n in names)
    return labels


def _closure(slugs: tuple[Slug, ...], parents: Mapping[Slug, Slug | None]) -> set[Slug]:
    result: set[Slug] = set()
    for slug in slugs:
        current: Slug | None = slug
        while current:
            result.add(current)
            current = parents[current]
    return result


def measure(corpus: Corpus, labels: Mapping[Slug, tuple[Slug, ...]]) -> Quality:
    """Precision and recall of topics, and topic agreement of related links, on the labelled papers."""
    parents = {t.slug: t.parent for t in corpus.topics}
    present = [s for s in labels if s in corpus.paper_topics]
    hits = assigned = expected = 0
    for slug in present:
        gold = _closure(labels[slug], parents)
        predicted = _closure(corpus.paper_topics[slug], parents)
        hits += len(gold & predicted)
        assigned += len(predicted)
        expected += len(gold)
    links = agreeing = 0
    for slug in present:
        for relation in corpus.related.get(slug, ()):
            if relation.target in labels:
                links += 1
                agreeing += bool(_closure(labels[slug], parents) & _closure(labels[relation.target], parents))
    return Quality(
        papers=len(present),
        precision=hits / assigned if assigned else 0.0,
        recall=hits / expected if expected else 0.0,
        related_links=links,
        related_agreement=agreeing / links if links else 0.0,
    )
