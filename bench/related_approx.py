"""Prototype (not used by the generator): related papers at 100k without the N × N product.

``generator/links.py`` computes every pair's cosine similarity exactly, in row blocks: its work grows
with the square of the collection (about 7 N² multiply-adds on these corpora), which is most of the
time at 100k papers. This prototype keeps the exact similarity and ranking for the pairs it looks at,
but looks only at pairs that share one of their most weighty terms:

1. each paper's vector is cut to its ``KEEP`` heaviest terms, and the product of the cut vectors
   (far sparser: heavy terms are rare ones) proposes ``PROPOSE`` candidates per paper;
2. for those, the similarity is computed from the full vectors exactly as links.py does (same
   float32 sums in the same order, so the same scores), and the pool, topic bonus, floor and shared
   terms are links.py's.

A pair whose similarity rests on many light terms only is missed: the output differs from the exact
one, which is why this is a prototype and a decision for the project, not a speed-up. ``python -m
bench related-approx`` measures its time and memory and how often it gives what links.py gives.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from generator import links
from generator.model import Paper, Related, Slug

KEEP = 12
"""Terms of each paper used to propose candidates."""

PROPOSE = 60
"""Candidates proposed per paper (the exact ranking then picks among them)."""


def _heaviest(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """The matrix with only each row's ``keep`` largest entries."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((-matrix.data, rows))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order)) - np.repeat(matrix.indptr[:-1], np.diff(matrix.indptr))
    kept = rank < keep
    cut = sparse.csr_matrix((matrix.data[kept], matrix.indices[kept], np.r_[0, np.cumsum(np.bincount(rows[kept], minlength=matrix.shape[0]))]), shape=matrix.shape)  # fmt: skip
    return cut


def related_papers(
    papers: Sequence[Paper],
    paper_topics: Mapping[Slug, tuple[Slug, ...]],
    k: int = links.TOP_K,
    floor: float = links.MIN_SIMILARITY,
    topic_bonus: float = links.TOPIC_BONUS,
    keep: int = KEEP,
    propose: int = PROPOSE,
) -> dict[Slug, tuple[Related, ...]]:
    vectorizer = TfidfVectorizer(
        stop_words=links._STOP_WORDS,
        sublinear_tf=True,
        max_df=0.5,
        token_pattern=r"(?u)\b[^\W\d_][\w-]*[^\W_]\b",
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(f"{p.title}. {p.title}. {p.abstract}" for p in papers).tocsr()
    vocabulary = vectorizer.get_feature_names_out()
    terms = matrix.copy()
    terms.sort_indices()
    cut = _heaviest(matrix, keep)
    cut_t = cut.T.tocsr()
    slugs = [p.slug for p in papers]
    own = [set(paper_topics.get(s, ())) for s in slugs]
    theirs = [paper_topics.get(s, ()) for s in slugs]
    n = len(papers)
    pool = min(k * links.CANDIDATES, n - 1)
    propose = min(propose, n - 1)
    result: dict[Slug, tuple[Related, ...]] = {}
    step = 1024
    for start in range(0, n, step):
        stop = min(n, start + step)
        proposed = cut[start:stop] @ cut_t  # sparse: only pairs sharing a heavy term
        for offset in range(stop - start):
            i = start + offset
            lo, hi = proposed.indptr[offset], proposed.indptr[offset + 1]
            cols, weights = proposed.indices[lo:hi], proposed.data[lo:hi]
            if len(cols) > propose + 1:
                top = np.argpartition(-weights, propose)[: propose + 1]
                cols = cols[top]
            if not len(cols):
                result[slugs[i]] = ()
                continue
            values = (matrix[i] @ matrix[cols].T).toarray()[0]  # the same sums as the full product
            keep_mask = (values >= floor) & (cols != i)
            cols, values = cols[keep_mask], values[keep_mask]
            if len(cols) > pool:
                top = np.argsort(-values, kind="stable")[:pool]
                cols, values = cols[top], values[top]
            score = dict(zip(cols.tolist(), values.tolist(), strict=True))
            ranked = sorted(
                score, key=lambda j: (-score[j] * (1 + topic_bonus * len(own[i].intersection(theirs[j]))), slugs[j])
            )
            result[slugs[i]] = tuple(
                Related(score=round(score[j], 4), target=slugs[j], terms=links._shared_terms(terms, i, j, vocabulary))
                for j in ranked[:k]
            )
    return result


def agreement(
    exact: Mapping[Slug, tuple[Related, ...]], approx: Mapping[Slug, tuple[Related, ...]]
) -> dict[str, float]:
    """How close the prototype's lists are to links.py's."""
    same = sum(exact[s] == approx[s] for s in exact)
    wanted = sum(len(v) for v in exact.values())
    found = sum(len({r.target for r in exact[s]} & {r.target for r in approx[s]}) for s in exact)
    first = sum(bool(exact[s]) and bool(approx[s]) and exact[s][0].target == approx[s][0].target for s in exact)
    return {
        "identical_lists": same / len(exact),
        "recall_of_targets": found / wanted if wanted else 1.0,
        "same_first": first / max(1, sum(bool(v) for v in exact.values())),
    }


def main(args: argparse.Namespace) -> int:
    from generator import pipeline
    from generator.clean import clean_entry
    from generator.dedupe import dedupe
    from generator.read import read_paths
    from generator.topics import assign_topics, load_taxonomy

    from .__main__ import ensure_corpus

    rows: list[dict[str, Any]] = []
    for n in args.papers:
        listings = ensure_corpus(args.out, n, args.seed)
        papers = dedupe([clean_entry(e) for e in read_paths([listings]).entries])
        taxonomy = load_taxonomy(Path(pipeline.__file__).parent.parent / "data" / "topics.yml")
        assigned = assign_topics(papers, taxonomy)
        began = time.perf_counter()
        approx = related_papers(papers, assigned)
        row: dict[str, Any] = {"papers": n, "approx_seconds": time.perf_counter() - began}
        row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if n <= args.exact_up_to:
            began = time.perf_counter()
            exact = links.related_papers(papers, assigned)
            row["exact_seconds"] = time.perf_counter() - began
            row.update(agreement(exact, approx))
        rows.append(row)
        print(row, flush=True)
    (args.out / "related-approx.json").write_text(json.dumps(rows, indent=1))
    return 0
