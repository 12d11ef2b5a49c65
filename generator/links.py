"""Which papers to compare: TF-IDF vectors of words and two-word phrases, and the candidate pairs
each paper proposes through its weightiest less common terms (``generator/ranking.py`` ranks them)."""

from __future__ import annotations

import array
import dataclasses
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from . import progress
from .model import Paper, Slug

if TYPE_CHECKING:
    from .cache import Table

TOP_K = 5
"""How many related papers a paper shows at most."""

_DOMAIN = re.compile(r"\.(?:com|org|io|dev|net|ai|html?)\b", re.IGNORECASE)
"""A common top-level domain: with a scheme or ``www.``, what marks a word as (part of) an address."""


def _has_address(text: str) -> bool:
    # Plain substring tests first, and a pattern that starts with a literal dot, which the regular
    # expression engine finds by fast search: ten times faster than one pattern of three branches.
    return "://" in text or "www." in text or "WWW." in text or _DOMAIN.search(text) is not None


def without_addresses(text: str) -> str:
    """The text without the words that hold an address: never part of what makes two papers alike
    (``b-61j``, ``github``). Words, not a pattern of the address itself: a pattern tried at every
    word of every abstract was the slowest step of the build."""
    if not _has_address(text):
        return text
    # Every address holds a dot or a slash: most words are passed by two substring tests.
    return " ".join(word for word in text.split(" ") if not (("." in word or "/" in word) and _has_address(word)))


_STOP_WORDS = sorted(
    ENGLISH_STOP_WORDS
    | {"al", "et", "paper", "propose", "proposed", "approach", "method", "methods", "results", "show", "shows",
       "model", "models", "based", "using", "use", "work", "new", "existing", "performance", "demonstrate",
       "achieve", "achieves", "achieving", "improve", "improves", "improved", "improving", "significant",
       "significantly", "various", "novel", "effective", "effectively", "outperforms", "state-of-the-art",
       "art", "state", "task", "tasks", "experiments", "experimental", "extensive", "wide", "range", "make",
       "making", "great", "success", "time", "thousands", "able", "including", "different", "high", "large",
       "code", "available", "github", "https", "http", "com", "project", "page", "huggingface"}
)  # fmt: skip
"""Words too common in abstracts to say why two papers are alike."""

TOKEN_PATTERN = r"\b[^\W\d_][\w-]*[^\W_]\b"
"""A term: letters, digits, hyphens and underscores, starting with a letter and ending with a letter or digit."""

_TOKEN = re.compile(TOKEN_PATTERN)
_ASCII_TOKEN = re.compile(TOKEN_PATTERN, re.ASCII)
"""The same on ASCII text (most abstracts), where ASCII and Unicode classes agree: a third faster."""

PROPOSING_TERMS = 32
"""How many of its weightiest terms a paper looks for candidates through (among the proposing terms)."""

PROPOSING_DF = 300
"""Only terms that 2 to this many papers use propose candidates: each paper reads a bounded number of
postings, so the work grows linearly with the collection, not with its square."""

PROPOSED = 40
"""Candidates each paper proposes; a pair is compared if either of its papers proposes the other."""

_BLOCK_CELLS = 16_000_000
"""Dense cells (float32) of TF-IDF rows held at once to compute similarities (64 MB)."""

_PROPOSAL_ROWS = 1_024
"""Papers whose proposals are ranked at once (up to PROPOSING_TERMS × PROPOSING_DF each: memory)."""


def _terms(text: str) -> list[str]:
    """The terms of a (lower-cased) text, in order."""
    found: list[str] = (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)
    return found


class _Vectorizer(TfidfVectorizer):  # type: ignore[misc]
    """scikit-learn's TF-IDF, with its first pass (numbering the terms and counting them per paper)
    done without a Python loop per term: the same vocabulary and count matrix, so the same vectors
    (tests/test_links.py compares them with TfidfVectorizer's)."""

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """Words, stop words left out, then the two-word phrases of what remains: what scikit-learn's
        word analyzer gives with ``ngram_range=(1, 2)``, without its loop per phrase."""
        if (self.analyzer, self.ngram_range, self.tokenizer, self.preprocessor) != ("word", (1, 2), _terms, None):
            return super().build_analyzer()  # type: ignore[no-any-return]
        words_of = self._words()

        def analyze(document: str) -> list[str]:
            words = words_of(document)
            return [*words, *map(" ".join, itertools.pairwise(words))]

        return analyze

    def _words(self) -> Callable[[str], list[str]]:
        """A document's words, stop words left out: remembered by ``remembered`` (a ``cache.Table``) when set."""
        stop_words = frozenset(self.get_stop_words() or ())

        def words(document: str) -> list[str]:
            return [w for w in _terms(document.lower() if self.lowercase else document) if w not in stop_words]

        remembered = getattr(self, "remembered", None)
        if remembered is None:
            return words

        def joined(document: str) -> str:
            return " ".join(words(document))

        def from_table(document: str) -> list[str]:
            found: str = remembered.get(document, joined)
            return found.split(" ") if found else []

        return from_table

    def _count_vocab(self, raw_documents: Iterable[str], fixed_vocab: bool) -> tuple[dict[str, int], Any]:
        if fixed_vocab:
            return super()._count_vocab(raw_documents, fixed_vocab)  # type: ignore[no-any-return]
        # Terms numbered in the order they first occur, as scikit-learn numbers them.
        numbers: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        number = numbers.__getitem__
        analyze: Callable[[str], list[str]] = self.build_analyzer()
        columns = array.array("i")
        ends = [0]
        for document in raw_documents:
            columns.extend(map(number, analyze(document)))
            ends.append(len(columns))
        vocabulary = dict(numbers)
        if not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        rows = np.repeat(np.arange(len(ends) - 1, dtype=np.int32), np.diff(ends))
        ones = np.ones(len(columns), dtype=self.dtype)
        shape = (len(ends) - 1, len(vocabulary))
        # Repeated (row, column) pairs are summed: the counts, with sorted indices, as scikit-learn makes them.
        counts = sparse.csr_matrix(
            (ones, (rows, np.frombuffer(columns, dtype=np.int32))), shape=shape, dtype=self.dtype
        )
        counts.sort_indices()
        return vocabulary, counts


@dataclass(frozen=True)
class Similarity:
    """TF-IDF vectors and the candidate pairs with their similarity (``similar_papers``)."""

    papers: tuple[Slug, ...]
    """The papers, in the order given."""
    slugs: list[Slug]
    """The rows of the matrices: the papers in slug order."""
    matrix: sparse.csr_matrix | None
    """TF-IDF vectors by row (None: fewer than two papers, or no term to compare)."""
    vocabulary: np.ndarray
    """The term of each column of ``matrix``."""
    similar: sparse.csr_matrix | None
    """The similarity of every pair compared (symmetric): the candidates."""
    k: int
    """How many related papers each paper may show."""
    vectorizer: Any = None
    """The fitted TF-IDF (``transform`` puts other texts, such as topic descriptions, in the same space)."""


def similar_papers(papers: Sequence[Paper], k: int = TOP_K, remembered: Table[Any] | None = None) -> Similarity:
    """TF-IDF vectors (title twice, plus abstract) and the pairs worth comparing (``_similar_pairs``), with
    their similarity: the candidates ``ranking.rank_related`` ranks. Rows are the papers in slug order,
    so equal ranks go to the smaller slug. ``remembered``: each paper's words from an earlier build
    (``cache.Table``)."""
    # In slug order, a paper's row number is its rank among the slugs: ties broken by row are by slug.
    ordered = sorted({p.slug: p for p in papers}.values(), key=lambda p: p.slug)
    slugs = [p.slug for p in ordered]
    nothing = Similarity(tuple(p.slug for p in papers), slugs, None, np.empty(0, dtype=object), None, k)
    if len(papers) < 2:
        return nothing
    vectorizer = _vectorizer()
    vectorizer.remembered = remembered
    try:
        matrix = vectorizer.fit_transform(paper_text(p) for p in ordered).tocsr()
    except ValueError:  # no term left to compare (a tiny corpus, abstracts of digits only)
        return nothing
    finally:
        vectorizer.remembered = None  # what transforms other texts (topic descriptions) remembers nothing
    matrix.sort_indices()  # every similarity is then the same float32 sum, term by term in column order
    vocabulary = vectorizer.get_feature_names_out()
    similar = _similar_pairs(matrix, k)
    return dataclasses.replace(nothing, matrix=matrix, vocabulary=vocabulary, similar=similar, vectorizer=vectorizer)


def paper_text(paper: Paper) -> str:
    """What a paper's vector is made of: its title twice and its abstract, addresses left out."""
    return f"{paper.title}. {paper.title}. {without_addresses(paper.abstract)}"


def _vectorizer(vectorizer: type[TfidfVectorizer] = _Vectorizer) -> TfidfVectorizer:
    """The TF-IDF of related papers; ``vectorizer``: the class (``TfidfVectorizer`` gives the same vectors, slower).

    Words and two-word phrases (stop words left out first), each used by two papers at least: a
    phrase says more than its words, and a term of one paper never makes two papers alike.
    """
    return vectorizer(
        stop_words=_STOP_WORDS,
        sublinear_tf=True,
        max_df=0.5,
        min_df=2,
        ngram_range=(1, 2),
        tokenizer=_terms,
        token_pattern=None,
        dtype=np.float32,
    )


def _similar_pairs(matrix: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """The similarities of the pairs worth comparing, as a symmetric sparse matrix.

    Each paper proposes papers through its PROPOSING_TERMS weightiest less common terms (terms 2 to
    PROPOSING_DF papers use), with every paper that uses them. A paper left with fewer than k related
    papers proposes again through its weightiest terms of any frequency, each among the PROPOSING_DF
    papers where it weighs most. Either way a paper reads a bounded number of postings, so the work
    grows linearly with the collection; a term of one paper proposes nothing.
    """
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    shared = _entries(matrix, df[matrix.indices] >= 2)
    rare = _entries(shared, df[shared.indices] <= PROPOSING_DF)
    keys = _proposals(_weightiest(rare), rare.T.tocsr(), np.arange(n))
    first, second = keys // n, keys % n
    similarities = _similarities(matrix, first, second)
    similar = _pairs_matrix(first, second, similarities, n)
    short = np.flatnonzero(np.diff(similar.indptr) < k)
    if not len(short):
        return similar
    by_term = shared.T.tocsr()
    by_term.sort_indices()  # equal weights: the smaller row (slug) first
    heaviest = _entries(by_term, _mask(by_term.nnz, _top_per_row(by_term.indptr, by_term.data, PROPOSING_DF)))
    more = _proposals(_weightiest(shared), heaviest, short)
    if len(keys):  # only the pairs not compared yet
        more = more[keys[np.searchsorted(keys, more).clip(max=len(keys) - 1)] != more]
    first, second = np.concatenate([first, more // n]), np.concatenate([second, more % n])
    similarities = np.concatenate([similarities, _similarities(matrix, more // n, more % n)])
    return _pairs_matrix(first, second, similarities, n)


def _weightiest(terms: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row's PROPOSING_TERMS largest entries (equal weights: the smaller column first)."""
    return _entries(terms, _mask(terms.nnz, _top_per_row(terms.indptr, terms.data, PROPOSING_TERMS)))


def _proposals(weightiest: sparse.csr_matrix, postings: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The pairs each of ``rows`` proposes, as keys first × n + second (first < second), sorted, once each.

    A row proposes the PROPOSED rows with the largest sum, over its terms in ``weightiest``, of its
    weight times theirs in ``postings`` (terms × rows); equal sums: the smaller row first.
    """
    n = weightiest.shape[0]
    keys = [np.empty(0, dtype=np.int64)]
    for start in range(0, len(rows), _PROPOSAL_ROWS):
        proposing = rows[start : start + _PROPOSAL_ROWS]
        proposals = weightiest[proposing] @ postings
        own = np.repeat(proposing, np.diff(proposals.indptr))
        proposals.data[proposals.indices == own] = 0.0  # a paper is its own last proposal, dropped below
        mine, theirs = _best_per_row(proposals.indptr, proposals.data, PROPOSED, proposals.indices)
        mine = proposing[mine]
        mine, theirs = mine[mine != theirs], theirs[mine != theirs]
        keys.append(np.minimum(mine, theirs).astype(np.int64) * n + np.maximum(mine, theirs))
    pairs = np.sort(np.concatenate(keys))
    result: np.ndarray = pairs[np.diff(pairs, prepend=-1) != 0]  # faster than np.unique's hashing
    return result


def _similarities(matrix: sparse.csr_matrix, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The similarity (float32) of each pair of rows; ``first`` is sorted.

    The first rows are laid out densely, a block at a time; each pair is then the second row's
    weights at its first row's place in the block, times the block: SciPy sums it term by term in
    column order in float32, as the product of the matrix with its transpose does, so a pair has the
    same similarity whether all pairs are compared or only some.
    """
    n, width = matrix.shape
    step = max(1, _BLOCK_CELLS // width)
    dense = np.zeros((step, width), dtype=np.float32)
    lengths = np.diff(matrix.indptr)
    result = np.empty(len(first), dtype=np.float32)
    bounds = np.searchsorted(first, np.arange(0, n + step, step))
    for start, lo, hi in zip(range(0, n, step), bounds, bounds[1:], strict=False):
        if lo == hi:
            continue
        block = matrix[start : start + step]
        block_rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        dense[block_rows, block.indices] = block.data
        others = second[lo:hi]
        counts = lengths[others]
        at = _ranges(matrix.indptr[others], counts)
        # int32 like SciPy's own indices (the block has at most _BLOCK_CELLS cells): no conversion
        columns = matrix.indices[at] + np.repeat(((first[lo:hi] - start) * width).astype(np.int32), counts)
        indptr = np.concatenate([np.zeros(1, dtype=np.int32), np.cumsum(counts, dtype=np.int32)])
        pairs = sparse.csr_matrix((matrix.data[at], columns, indptr), shape=(hi - lo, dense.size))
        result[lo:hi] = pairs @ dense.reshape(-1)
        dense[block_rows, block.indices] = 0.0
        progress.advance(block.shape[0])
    return result


def _pairs_matrix(first: np.ndarray, second: np.ndarray, similarities: np.ndarray, n: int) -> sparse.csr_matrix:
    """The similarities as a symmetric n × n sparse matrix (sorted columns)."""
    rows, columns = np.concatenate([first, second]), np.concatenate([second, first])
    values = np.concatenate([similarities, similarities])
    result = sparse.csr_matrix((values, (rows, columns)), shape=(n, n))
    result.sort_indices()
    return result


def _top_per_row(indptr: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Positions of each row's ``count`` largest values, by row, largest first; equal values in the
    order of their positions (see ``_best_per_row``)."""
    rows, places = _best_per_row(indptr, values, count)
    result: np.ndarray = indptr[rows] + places
    return result


def _best_per_row(
    indptr: np.ndarray, values: np.ndarray, count: int, ties: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``count`` largest values (float32, not negative) as (rows, ties), by row, largest first;
    among equal values the smaller tie first. A tie is an entry's place in its row unless ``ties`` (of
    integers, not negative) are given.

    Row, value and tie are packed into one integer and the integers sorted: sorting the keys themselves
    is several times faster than sorting positions by several keys (``lexsort``).
    """
    lengths = np.diff(indptr)
    if count <= 0 or not len(values):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    largest_tie = int(lengths.max()) - 1 if ties is None else int(ties.max())
    tie_bits = max(1, largest_tie.bit_length())
    rows_at_once = 1 << (32 - tie_bits)  # rows, 31 bits of value and the ties fit in 63 bits
    # A non-negative float32 orders as its bits; abs turns -0.0 (a negative integer) into 0.0.
    order = (0x7FFFFFFF - np.abs(values.astype(np.float32)).view(np.int32)).astype(np.int64)
    found_rows, found_ties = [], []
    for first_row in range(0, len(lengths), rows_at_once):
        starts = indptr[first_row : first_row + rows_at_once + 1]
        lo, hi = int(starts[0]), int(starts[-1])
        if lo == hi:
            continue
        sizes = np.diff(starts)
        row = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        place = np.arange(hi - lo) - np.repeat(starts[:-1] - lo, sizes)
        tie = place if ties is None else ties[lo:hi].astype(np.int64)
        keys = (row << (31 + tie_bits)) | (order[lo:hi] << tie_bits) | tie
        keys.sort()
        keys = keys[place < count]  # each row keeps its size and place once sorted: place is now the rank
        found_rows.append(first_row + (keys >> (31 + tie_bits)))
        found_ties.append(keys & ((1 << tie_bits) - 1))
    if not found_rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(found_rows), np.concatenate(found_ties)


def _entries(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """The matrix with only the stored entries where ``keep`` is true (same shape and order)."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=matrix.shape[0]))])
    return sparse.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def _mask(size: int, positions: np.ndarray) -> np.ndarray:
    """A boolean array of ``size`` that is true at ``positions``."""
    mask = np.zeros(size, dtype=bool)
    mask[positions] = True
    return mask


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[0], starts[0] + 1, ...`` (counts[0] numbers), then the same from starts[1], and so on."""
    offsets = np.cumsum(counts) - counts
    result: np.ndarray = np.arange(int(counts.sum())) + np.repeat(starts - offsets, counts)
    return result
