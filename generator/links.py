"""Relations between papers: related papers by TF-IDF cosine similarity, with the terms they share."""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

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

_BLOCK_CELLS = 32_000_000
"""At most this many similarities per block: fewer rows than CHUNK for large corpora (memory)."""

_THREADS = max(1, min(2, os.cpu_count() or 1))
"""Blocks of the similarity product computed at the same time."""


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
    try:
        matrix = vectorizer.fit_transform(f"{p.title}. {p.title}. {p.abstract}" for p in papers).tocsr()
    except ValueError:  # no term left to compare (a tiny corpus, abstracts of digits only)
        return {p.slug: () for p in papers}
    vocabulary = vectorizer.get_feature_names_out()
    transposed = matrix.T.tocsr()  # what ``block @ matrix.T`` converts to, once instead of per block
    terms = matrix.copy()
    terms.sort_indices()  # for _shared_terms only: the product sums in the matrix's own order
    slugs = [p.slug for p in papers]
    own_topics = [set(topics.get(slug, ())) for slug in slugs]
    their_topics = [topics.get(slug, ()) for slug in slugs]
    pool = min(k * CANDIDATES, len(papers) - 1)
    result: dict[Slug, tuple[Related, ...]] = {}
    for start, block, above_cols, bounds in _similarity_blocks(matrix, transposed, floor):
        # The candidates are the pool most similar papers that reach the floor. Only papers that
        # reach it can be among them, so only those are ranked; where the pool-th and the next
        # similarity tie, which tied papers are taken is argpartition's choice, as it always was.
        for offset in range(len(block)):
            i = start + offset
            row = block[offset]
            cols = above_cols[bounds[offset] : bounds[offset + 1]]
            if len(cols) > pool:
                values = row[cols]
                cut = len(values) - pool
                lowest, kept = np.partition(values, (cut - 1, cut))[cut - 1 : cut + 1]
                if lowest == kept:
                    cols = np.array([j for j in np.argpartition(-row, pool)[:pool] if row[j] >= floor], dtype=np.intp)
                else:
                    cols = cols[values >= kept]
            mine = own_topics[i]
            ranked = sorted(
                cols.tolist(),
                key=lambda j: (-float(row[j]) * (1 + topic_bonus * len(mine.intersection(their_topics[j]))), slugs[j]),
            )
            result[slugs[i]] = tuple(
                Related(score=round(float(row[j]), 4), target=slugs[j], terms=_shared_terms(terms, i, j, vocabulary))
                for j in ranked[:k]
            )
    return result


def _similarity_blocks(
    matrix: sparse.csr_matrix, transposed: sparse.csr_matrix, floor: float
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Each block of rows of the similarity matrix, in order, as (first row, dense block, columns reaching
    ``floor`` row by row, where each row's columns start and end in them); a paper is -1 to itself.

    The products are computed ahead in threads (SciPy releases the GIL), at most ``_THREADS`` blocks
    besides the one being read, so memory stays a few times CHUNK × N.
    """

    rows_per_block = max(64, min(_CHUNK, _BLOCK_CELLS // matrix.shape[0]))

    def compute(start: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        block = (matrix[start : start + rows_per_block] @ transposed).toarray()
        rows = np.arange(len(block))
        block[rows, rows + start] = -1.0
        above_rows, above_cols = np.nonzero(block >= floor)
        return start, block, above_cols, np.searchsorted(above_rows, np.arange(len(block) + 1))

    starts = iter(range(0, matrix.shape[0], rows_per_block))
    with ThreadPoolExecutor(_THREADS) as executor:
        pending = deque(executor.submit(compute, start) for start in itertools.islice(starts, _THREADS))
        while pending:
            done = pending.popleft().result()
            following = next(starts, None)
            if following is not None:
                pending.append(executor.submit(compute, following))
            yield done
            del done


def _shared_terms(matrix: sparse.csr_matrix, i: int, j: int, vocabulary: np.ndarray) -> tuple[str, ...]:
    """The terms that contribute most to the similarity of papers i and j (``matrix`` has sorted indices).

    By weight in the product, then alphabetically (the vocabulary is sorted, so by column).
    """
    mine = matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]
    theirs = slice(matrix.indptr[j], matrix.indptr[j + 1])
    columns = matrix.indices[theirs]
    if not len(mine) or not len(columns):
        return ()
    at = np.minimum(np.searchsorted(mine, columns), len(mine) - 1)
    shared = mine[at] == columns
    products = matrix.data[matrix.indptr[i] + at[shared]] * matrix.data[theirs][shared]
    columns = columns[shared]
    nonzero = products != 0  # an elementwise product of sparse rows drops zeros
    products, columns = products[nonzero], columns[nonzero]
    order = np.lexsort((columns, -products))[:SHARED_TERMS]
    return tuple(str(vocabulary[col]) for col in columns[order])
