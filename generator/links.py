"""Relations between papers: related papers by TF-IDF cosine similarity, with the terms they share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .model import Paper, Related, Slug

TOP_K = 5
"""How many related papers a paper shows at most."""

MIN_SIMILARITY = 0.09
"""Pairs less similar than this are not shown as related."""

SHARED_TERMS = 4
"""How many shared terms explain a relation."""

_STOP_WORDS = sorted(
    ENGLISH_STOP_WORDS
    | {"al", "et", "paper", "propose", "proposed", "approach", "method", "methods", "results", "show", "shows",
       "model", "models", "based", "using", "use", "work", "new", "existing", "performance", "demonstrate"}
)  # fmt: skip
"""Words too common in abstracts to say why two papers are alike."""

TOPIC_BONUS = 0.25
"""How much each shared topic raises a candidate's rank, relative to its similarity."""

CANDIDATES = 4
"""Related papers are chosen among the CANDIDATES × k most similar ones."""

_CHUNK = 512
"""Rows of the similarity product computed at once: memory is CHUNK × N, never N × N."""


def related_papers(
    papers: Sequence[Paper],
    paper_topics: Mapping[Slug, tuple[Slug, ...]] | None = None,
    k: int = TOP_K,
    floor: float = MIN_SIMILARITY,
    topic_bonus: float = TOPIC_BONUS,
) -> dict[Slug, tuple[Related, ...]]:
    """The k most related papers of each paper, best first.

    Similarity is the cosine of TF-IDF vectors (title counted twice, plus abstract); among the
    CANDIDATES most similar papers, each topic two papers share raises the rank by ``topic_bonus``
    times the similarity. Pairs below ``floor`` are never shown.
    """
    topics = paper_topics or {}
    if len(papers) < 2:
        return {p.slug: () for p in papers}
    vectorizer = TfidfVectorizer(
        stop_words=_STOP_WORDS,
        sublinear_tf=True,
        max_df=0.5,
        token_pattern=r"(?u)\b[^\W\d_][\w-]*[^\W_]\b",
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(f"{p.title}. {p.title}. {p.abstract}" for p in papers).tocsr()
    vocabulary = vectorizer.get_feature_names_out()
    result: dict[Slug, tuple[Related, ...]] = {}
    for start in range(0, len(papers), _CHUNK):
        block = (matrix[start : start + _CHUNK] @ matrix.T).toarray()
        for offset, row in enumerate(block):
            i = start + offset
            row[i] = -1.0
            pool = min(k * CANDIDATES, len(row) - 1)
            candidates = [j for j in np.argpartition(-row, pool)[:pool] if row[j] >= floor]
            mine = set(topics.get(papers[i].slug, ()))
            ranked = sorted(
                candidates,
                key=lambda j: (
                    -float(row[j]) * (1 + topic_bonus * len(mine.intersection(topics.get(papers[j].slug, ())))),
                    papers[j].slug,
                ),
            )
            result[papers[i].slug] = tuple(
                Related(
                    score=round(float(row[j]), 4), target=papers[j].slug, terms=_shared_terms(matrix, i, j, vocabulary)
                )
                for j in ranked[:k]
            )
    return result


def _shared_terms(matrix: sparse.csr_matrix, i: int, j: int, vocabulary: np.ndarray) -> tuple[str, ...]:
    """The terms that contribute most to the similarity of papers i and j."""
    product = matrix[i].multiply(matrix[j]).tocoo()
    order = sorted(zip(product.data, product.col, strict=True), key=lambda x: (-x[0], vocabulary[x[1]]))
    return tuple(str(vocabulary[col]) for _, col in order[:SHARED_TERMS])
