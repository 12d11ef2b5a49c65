"""Related papers and topics against the labels written by reading (data/labels.yml).

    python -m bench related-quality                        # the bundled listings
    python -m bench related-quality --unseen DIR           # also topic and related coverage on DIR

Prints, for the candidate pairs the generator ranks: each signal alone, the learned combination
fitted on every labelled paper (training fit) and on held-out folds (5-fold cross-validation, the
honest figure), the share of strong papers the candidates hold at all, and the weights to put in
``generator/ranking.py`` (WEIGHTS, INTERCEPT). With ``--unseen``: on a corpus never tuned on, the
share of papers with only the fallback topic, the largest topic (narrower topics counted in their
broader one) and the share of papers showing 5 related papers; and tag precision and recall against
``--unseen-labels`` (default bench/corpora/topic-labels-daily.yml: topics of 80 papers of that corpus,
labelled by reading before the rules were changed, keyed by title).
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from generator import pipeline, quality, ranking
from generator.quality import Label, _closure, load_labels, related_scores, tag_scores

ROOT = Path(__file__).resolve().parent.parent


def _load(listings: Path) -> tuple[Any, Any, float]:
    """The corpus and the ranking's signals of a build, and the seconds it took."""
    captured: dict[str, Any] = {}
    measure_all = pipeline.measure_all

    def keep(corpus: Any, labels: Any, signals: Any = None) -> Any:
        captured["signals"] = signals
        return measure_all(corpus, labels, signals)

    pipeline.measure_all = keep  # type: ignore[assignment]
    try:
        began = time.perf_counter()
        corpus = pipeline.load_corpus([listings], ROOT / "data" / "topics.yml")
        return corpus, captured["signals"], time.perf_counter() - began
    finally:
        pipeline.measure_all = measure_all  # type: ignore[assignment]


def _title_labels(path: Path, corpus: Any) -> tuple[dict[Any, Label], list[str]]:
    """Labels keyed by title (topics, topics_ok, strong and acceptable papers by title), as labels
    keyed by the slug of the paper with that title (after cleaning: compared without case, spaces and
    punctuation); and the titles no paper has."""
    by_name = {t.name: t.slug for t in corpus.topics}

    def key(title: str) -> str:
        return "".join(c for c in title.casefold() if c.isalnum())

    slugs = {key(p.title): p.slug for p in corpus.papers}
    labels, missing = {}, []

    def papers(titles: list[str]) -> tuple[Any, ...]:
        found = [slugs.get(key(t)) for t in titles]
        missing.extend(t for t, s in zip(titles, found, strict=True) if s is None)
        return tuple(s for s in found if s is not None)

    for title, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
        slug = slugs.get(key(title))
        if slug is None:
            missing.append(title)
            continue
        labels[slug] = Label(
            papers(entry.get("strong") or []),
            papers(entry.get("acceptable") or []),
            tuple(by_name[n] for n in entry.get("topics") or []),
            tuple(by_name[n] for n in entry.get("topics_ok") or []),
        )
    return labels, missing


def main(args: argparse.Namespace) -> int:
    corpus, signals, _ = _load(ROOT / "data" / "listings")
    labels = load_labels(ROOT / "data" / quality.LABELS_FILE, corpus.topics)
    pairs = ranking.labelled_pairs(signals, labels)
    strong = sum(len(label.strong) for label in labels.values())
    print(
        f"{len(labels)} labelled papers, {strong} strong links; the candidates hold {int((pairs.relevance == 2).sum())}"
    )
    print("\n| ranking | recall@5 | precision@5 |\n| --- | --- | --- |")
    for i, name in enumerate(ranking.FEATURES):
        alone = np.zeros(len(ranking.FEATURES))
        alone[i] = 1.0
        r, p = related_scores(ranking.rank_pairs(pairs, alone, 0.0), labels)
        print(f"| {name} alone | {r:.3f} | {p:.3f} |")
    weights, intercept = ranking.fit(pairs)
    r, p = related_scores(ranking.rank_pairs(pairs, weights, intercept), labels)
    print(f"| all signals, training fit | {r:.3f} | {p:.3f} |")
    held = quality.held_out(signals, labels)
    assert held is not None
    print(f"| all signals, held-out folds ({quality.FOLDS}) | {held[0]:.3f} | {held[1]:.3f} |")
    (measured,) = corpus.quality
    print(f"\ntopics: precision {measured.precision:.3f}, recall {measured.recall:.3f}")
    print(f"\nWEIGHTS = {np.round(weights, 3).tolist()}  INTERCEPT = {intercept:.3f}")
    if args.unseen:
        corpus, _, seconds = _load(args.unseen)
        n = len(corpus.papers)
        parents = {t.slug: t.parent for t in corpus.topics}
        fallback = sum(v == (corpus.fallback,) for v in corpus.paper_topics.values())
        family = collections.Counter(t for v in corpus.paper_topics.values() for t in _closure(v, parents))
        largest, count = family.most_common(1)[0]
        five = sum(len(v) == 5 for v in corpus.related.values())
        print(
            f"\n{args.unseen}: {n} papers; only the fallback topic {fallback / n:.1%}; largest topic {largest} "
            f"{count / n:.1%}; 5 related {five / n:.1%}; stages before rendering {seconds:.1f} s"
        )
        unseen_labels, missing = _title_labels(args.unseen_labels, corpus)
        precision, recall = tag_scores(corpus, unseen_labels)
        print(
            f"topics against {len(unseen_labels)} papers labelled by reading ({args.unseen_labels.name}): "
            f"precision {precision:.3f}, recall {recall:.3f}"
            + (f"; {len(missing)} labelled titles not found: {missing}" if missing else "")
        )
        if args.unseen_related.is_file():
            related_labels, missing = _title_labels(args.unseen_related, corpus)
            recall, precision = related_scores(corpus.related, related_labels)
            strong = sum(len(label.strong) for label in related_labels.values())
            print(
                f"related papers against {len(related_labels)} papers labelled by reading "
                f"({args.unseen_related.name}, {strong} strong links): recall@5 {recall:.3f}, "
                f"precision@5 {precision:.3f}" + (f"; {len(missing)} titles not found: {missing}" if missing else "")
            )
    return 0
