"""How good topics and related links are, measured against papers labelled by hand."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from .errors import TaxonomyError, yaml_problem
from .model import Corpus, Quality, Slug, Topic

LABEL_SETS = (
    ("labelled", "topic-labels.yml", "papers labelled before the rules were tuned, and used to tune them"),
    ("held out", "topic-labels-holdout.yml", "papers labelled later and never used to tune the rules"),
)
"""Hand-labelled samples beside the taxonomy file: ``slug: [topic name, ...]``."""


def load_labels(path: Path, topics: tuple[Topic, ...]) -> dict[Slug, tuple[Slug, ...]]:
    """Read the labels file; topic names must be those of the taxonomy."""
    by_name = {t.name: t.slug for t in topics}
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc, text)
        raise TaxonomyError(f"invalid YAML: {problem}; fix the file and run again", path.as_posix(), line) from None
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()
    ):
        raise TaxonomyError("expected `paper-slug: [topic name, ...]` entries", path.as_posix(), 1)
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


def measure_all(corpus: Corpus, folder: Path) -> tuple[Quality, ...]:
    """Quality against every label set present in ``folder`` (the taxonomy's folder)."""
    return tuple(
        measure(corpus, load_labels(folder / file, corpus.topics), name, about)
        for name, file, about in LABEL_SETS
        if (folder / file).is_file()
    )


def measure(corpus: Corpus, labels: Mapping[Slug, tuple[Slug, ...]], name: str = "", about: str = "") -> Quality:
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
        name=name,
        about=about,
        papers=len(present),
        precision=hits / assigned if assigned else 0.0,
        recall=hits / expected if expected else 0.0,
        related_links=links,
        related_agreement=agreeing / links if links else 0.0,
    )
