"""How good topics and related papers are, measured against papers labelled by reading (data/labels.yml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .errors import TaxonomyError, yaml_problem
from .model import Corpus, Diagnostic, Quality, Related, Slug, Source, Topic

LABELS_FILE = "labels.yml"
"""The labels, beside the taxonomy file."""

FOLDS = 5
"""Cross-validation folds of the held-out related figures."""

K = 5
"""Related papers judged per paper (the ones a page shows)."""


@dataclass(frozen=True)
class Label:
    """What readers said of one paper."""

    strong: tuple[Slug, ...]
    """The papers a researcher would most want linked."""
    acceptable: tuple[Slug, ...]
    """Other papers reasonable to show."""
    topics: tuple[Slug, ...]
    """Topics central to the paper."""
    topics_ok: tuple[Slug, ...]
    """Other topics that are acceptable tags."""
    source: Source | None = field(default=None, compare=False)
    """Where the entry is in the labels file (for messages)."""


def load_labels(path: Path, topics: Sequence[Topic]) -> dict[Slug, Label]:
    """Read the labels file; topic names must be those of the taxonomy."""
    by_name = {t.name: t.slug for t in topics}
    name = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TaxonomyError("not valid UTF-8; save the labels file as UTF-8", name) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc, text)
        raise TaxonomyError(f"invalid YAML: {problem}; fix the file and run again", name, line) from None
    if not isinstance(data, dict):
        raise TaxonomyError("expected `paper-slug: {strong: [...], topics: [...]}` entries", name, 1)
    starts: dict[str, int] = {}
    for n, written in enumerate(text.splitlines(), 1):
        if written[:1] in " #\t-" or ":" not in written:
            continue
        key = written.split(":", 1)[0].strip("'\" ")
        if key in starts:
            raise TaxonomyError(
                f"paper {key!r} is labelled twice (lines {starts[key]} and {n}); merge the two entries", name, n
            )
        starts[key] = n
    labels = {}
    for slug, entry in data.items():
        line = starts.get(str(slug))
        if not isinstance(entry, dict):
            raise TaxonomyError(f"paper {slug!r}: expected strong, acceptable, topics and topics_ok lists", name, line)
        lists = {key: entry.get(key) or [] for key in ("strong", "acceptable", "topics", "topics_ok")}
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists.values()):
            raise TaxonomyError(f"paper {slug!r}: each of strong, acceptable, topics, topics_ok is a list", name, line)
        unknown = [n for n in lists["topics"] + lists["topics_ok"] if n not in by_name]
        if unknown:
            raise TaxonomyError(
                f"paper {slug!r}: unknown topic(s) {', '.join(unknown)}; use the names of the taxonomy", name, line
            )
        labels[Slug(slug)] = Label(
            strong=tuple(Slug(s) for s in lists["strong"]),
            acceptable=tuple(Slug(s) for s in lists["acceptable"]),
            topics=tuple(by_name[n] for n in lists["topics"]),
            topics_ok=tuple(by_name[n] for n in lists["topics_ok"]),
            source=Source(name, line or 1),
        )
    return labels


def unknown_papers(labels: Mapping[Slug, Label], slugs: set[Slug]) -> list[Diagnostic]:
    """A warning for each labelled paper of the collection whose strong or acceptable papers name a
    slug no paper has (a misspelt slug would lower the figures silently)."""
    found = []
    for slug, label in labels.items():
        unknown = [s for s in (*label.strong, *label.acceptable) if s not in slugs]
        if slug in slugs and unknown and label.source is not None:
            found.append(
                Diagnostic(
                    label.source,
                    f"paper {slug!r} lists {', '.join(repr(s) for s in unknown)}, which no paper of the listings "
                    "is: the figures count it as never shown; write the slug of the paper's page address",
                )
            )
    return found


def _closure(slugs: Sequence[Slug], parents: Mapping[Slug, Slug | None]) -> set[Slug]:
    result: set[Slug] = set()
    for slug in slugs:
        current: Slug | None = slug
        while current:
            result.add(current)
            current = parents[current]
    return result


def related_scores(related: Mapping[Slug, Sequence[Related]], labels: Mapping[Slug, Label]) -> tuple[float, float]:
    """Strong recall@K (share of a paper's strong papers, up to K, among its first K) and precision@K
    (share of the K shown that are strong or acceptable; a paper showing fewer counts the gap as wrong)."""
    recalls, precisions = [], []
    for slug, label in labels.items():
        if slug not in related:
            continue
        shown = {r.target for r in related[slug][:K]}
        if label.strong:
            recalls.append(len(shown & set(label.strong)) / min(len(label.strong), K))
        precisions.append(len(shown & set(label.strong + label.acceptable)) / K)
    return (float(np.mean(recalls)) if recalls else 0.0, float(np.mean(precisions)) if precisions else 0.0)


def tag_scores(corpus: Corpus, labels: Mapping[Slug, Label]) -> tuple[float, float]:
    """Tag precision (share of the topics shown, broader ones included, that are central or acceptable;
    the fallback topic is never wrong) and recall (share of the central topics, broader ones
    included, that are shown) over the labelled papers of ``corpus``."""
    parents = {t.slug: t.parent for t in corpus.topics}
    hits = assigned = expected = found = 0
    for slug, label in labels.items():
        if slug not in corpus.paper_topics:
            continue
        predicted = _closure(corpus.paper_topics[slug], parents)
        allowed = _closure(label.topics + label.topics_ok, parents) | {corpus.fallback} - {None}
        central = _closure(label.topics, parents)
        hits += len(predicted & allowed)
        assigned += len(predicted)
        found += len(predicted & central)
        expected += len(central)
    return (hits / assigned if assigned else 0.0, found / expected if expected else 0.0)


def measure(corpus: Corpus, labels: Mapping[Slug, Label], held_out: tuple[float, float] | None = None) -> Quality:
    """Tag precision and recall, and related recall and precision, on the labelled papers present."""
    present = {s: label for s, label in labels.items() if s in corpus.paper_topics}
    tag_precision, tag_recall = tag_scores(corpus, present)
    recall, precision = related_scores(corpus.related, present)
    return Quality(
        papers=len(present),
        precision=tag_precision,
        recall=tag_recall,
        related_recall=recall,
        related_precision=precision,
        held_out_recall=held_out[0] if held_out else None,
        held_out_precision=held_out[1] if held_out else None,
    )


def labels_beside(topics_file: Path, topics: Sequence[Topic]) -> dict[Slug, Label] | None:
    """The labels file beside the taxonomy, read and checked (None when there is none): read before
    the costly stages, so a mistake in it stops the build at once."""
    path = topics_file.parent / LABELS_FILE
    return load_labels(path, topics) if path.is_file() else None


def measure_all(corpus: Corpus, labels: Mapping[Slug, Label] | None, signals: Any = None) -> tuple[Quality, ...]:
    """Quality against ``labels`` (none: no figures); with the ranking's ``signals`` also the related
    figures of cross-validation (``held_out``)."""
    if labels is None:
        return ()
    held = held_out(signals, labels) if signals is not None else None
    return (measure(corpus, labels, held),)


def held_out(signals: Any, labels: Mapping[Slug, Label], folds: int = FOLDS) -> tuple[float, float] | None:
    """Related recall and precision on held-out folds: the ranking's weights fitted again on the
    other folds' papers, then the fold's papers ranked with them (papers assigned to folds by slug order)."""
    from . import ranking

    known = set(signals.similarity.slugs)
    slugs = [s for s in sorted(labels) if s in known]
    if len(slugs) < folds * 2:
        return None
    pairs = ranking.labelled_pairs(signals, {s: labels[s] for s in slugs})
    related: dict[Slug, tuple[Related, ...]] = {}
    for fold in range(folds):
        test = set(slugs[fold::folds])
        weights, intercept = ranking.fit(pairs, exclude=test)
        related.update(ranking.rank_pairs(pairs, weights, intercept, only=test))
    return related_scores(related, {s: labels[s] for s in slugs})
