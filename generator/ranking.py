"""Related papers: the candidate pairs ``links.py`` proposes, ranked by a weighted sum of signals.

Each signal is one way two papers can be alike; the weights that combine them were learned from
papers labelled by reading (``python -m bench related-quality`` fits them with cross-validation and
prints the held-out figures; ``bench/RESULTS.md`` keeps them). Every signal is computed for the
candidate pairs only, so the work grows with the collection, never with its square.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .embedding import paper_space
from .links import TOP_K, Similarity, _best_per_row, _top_per_row, without_addresses
from .model import Mention, Paper, Related, Slug, Topic
from .nearest import nearest
from .search.stemmer import stem

FEATURES = (
    "similarity",
    "semantic",
    "neighbours",
    "topic_profile",
    "shared_topics",
    "survey",
    "mention",
    "names",
    "embedding",
)
"""The signals of a candidate pair, in the order of WEIGHTS:

- ``similarity``: cosine of the TF-IDF vectors of words and two-word phrases;
- ``semantic``: cosine in a reduced space of SEMANTIC_DIMENSIONS directions (latent semantic
  analysis), where papers that use different words for one idea can still meet;
- ``neighbours``: how much the two papers' NEIGHBOURS most similar papers overlap;
- ``topic_profile``: cosine of how close each paper is to every subject topic (``topics.closeness``);
- ``shared_topics``: subject topics both papers carry (at most 2 counted; catch-all topics such as
  Surveys, Evaluation and the fallback never count);
- ``survey``: one paper is a survey and the other is on a subject it covers;
- ``mention``: one abstract names the method the other introduces;
- ``names``: method and model names (``LoRA``, ``GPT-4``) both abstracts use, at most 3, among names
  used by few papers;
- ``embedding``: cosine of the papers in word vectors learned elsewhere (``embedding.paper_space``:
  the static table shipped in the ``wordllama`` package), where other words for one idea meet."""

WEIGHTS = np.array([1.817, 4.469, 2.342, 5.441, 0.58, 1.276, 0.838, 0.546, 4.991], dtype=np.float64)
"""What each signal of FEATURES weighs: a logistic regression fitted on every labelled pair."""

INTERCEPT = -8.799
"""The regression's intercept: it turns the weighted sum into a probability, nothing more."""

RELATIVE_CUTOFF = 0.1
"""A candidate is shown only if its probability is at least this share of the paper's best
candidate's: a relative cut-off, so a paper shows its TOP_K best whatever the collection's scale."""

SEMANTIC_DIMENSIONS = 100
"""Directions of the reduced space of the ``semantic`` signal."""

SEMANTIC_SAMPLE = 2_000
"""Papers the reduced space is fitted on at most (evenly spaced in slug order); every paper is then
projected on it. Fitting on all costs 12 s at 10k papers for no better ranking."""

NEIGHBOURS = 20
"""Most similar papers per paper compared by the ``neighbours`` signal."""

NEAREST = 10
"""Candidates each paper adds from its nearest in the reduced space, and as many from the topic profile."""

NEIGHBOURS_OF_NEIGHBOURS = 20
"""Candidates each paper adds through its most similar papers' most similar (``_two_steps``)."""

PHRASES = 3
"""How many shared key phrases explain a relation."""

REASON_SHARE = 0.2
"""A term in more than this share of the collection's papers never explains a relation: it says what
most papers say (``language``, ``training`` in a collection of language-model papers), and the shared
topics already say it better."""

LONGEST_PHRASE = 4
"""Words in a shared phrase at most, once overlapping two-word phrases are joined (``monte carlo``,
``carlo tree`` and ``tree search`` read ``monte carlo tree search``)."""

_PAIRS_AT_ONCE = 200_000
"""Pairs whose signals are computed at once (memory)."""

_NAME = re.compile(r"(?<![\w-])[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}|[A-Za-z]\d)[\w.-]*\w|(?<![\w-])[A-Z]{2,}\b")
"""A coined name: inner capitals, two capitals or a letter before a digit (``LoRA``, ``GPT-4``, ``T5``)."""


_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Signals:
    """Everything the ranking reads, rows in slug order (``Similarity.slugs``)."""

    similarity: Similarity
    """TF-IDF vectors and the candidate pairs."""
    semantic: np.ndarray
    """Each paper in the reduced space, unit rows (float32)."""
    profile: np.ndarray
    """Each paper's closeness to every subject topic, unit rows, negatives as 0 (float32)."""
    topics: sparse.csr_matrix
    """Which subject topics each paper carries (1 or 0)."""
    families: sparse.csr_matrix
    """Which subject topics each paper carries or falls under (its topics and their broader ones)."""
    surveys: np.ndarray
    """Whether each paper carries a survey topic (bool)."""
    mentions: sparse.csr_matrix
    """Row paper's abstract names the method column paper introduces (1 or 0)."""
    names: sparse.csr_matrix
    """Which coined names each paper uses, among names 2 to ``max(3, n / 50)`` papers use."""
    explain: Callable[[str], bool]
    """Whether a single word may explain a relation (a word the taxonomy uses, or a coined name)."""
    text: Callable[[int], str]
    """A paper's title and abstract, lower-cased (by row): a phrase shown must be written in both."""
    embedding: np.ndarray
    """Each paper in the packaged word vectors' space (``embedding.paper_space``), unit rows (float32)."""


def semantic_space(matrix: sparse.csr_matrix, dimensions: int = SEMANTIC_DIMENSIONS) -> np.ndarray:
    """Every row of ``matrix`` projected on its ``dimensions`` main directions (truncated SVD), unit rows."""
    from sklearn.decomposition import TruncatedSVD

    n, width = matrix.shape
    dimensions = min(dimensions, n - 1, width - 1)
    if dimensions < 1:
        return np.zeros((n, 1), dtype=np.float32)
    step = max(1, n // SEMANTIC_SAMPLE)
    svd = TruncatedSVD(dimensions, algorithm="randomized", n_iter=3, random_state=0)
    svd.fit(matrix[::step])
    space = np.asarray(svd.transform(matrix), dtype=np.float32)
    return _unit(space)


MEANINGS = {
    "similarity": "the words and two-word phrases both use, weighted by how rare they are (TF-IDF cosine)",
    "semantic": "the same, in a reduced space where different words for one idea can meet (latent semantic analysis)",
    "neighbours": "how many of their most similar papers the two share",
    "topic_profile": "how alike their closeness to every subject topic is",
    "shared_topics": "subject topics both carry (not Surveys, Evaluation or the fallback), at most 2",
    "survey": "one is a survey and the other is on a subject it covers",
    "mention": "one abstract names the method the other introduces",
    "names": "method and model names both use (LoRA, GPT-4) that few papers use, at most 3",
    "embedding": "their words in vectors learned from general text (the table shipped in the wordllama package), "
    "rare words weighing more, where different words for one idea meet",
}
"""Each signal of FEATURES in a reader's words (the About page)."""


def described_signals() -> list[tuple[str, float, str]]:
    """Each signal's name, weight and meaning, for the About page."""
    return [(name.replace("_", " "), float(w), MEANINGS[name]) for name, w in zip(FEATURES, WEIGHTS, strict=True)]


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = (rows / norms).astype(np.float32)
    return result


def signals(
    similarity: Similarity,
    papers: Sequence[Paper],
    paper_topics: Mapping[Slug, tuple[Slug, ...]],
    topics: Sequence[Topic],
    close: np.ndarray | None = None,
    mentions: Mapping[Slug, tuple[Mention, ...]] | None = None,
    fallback: Slug | None = None,
    names: sparse.csr_matrix | None = None,
    embedding: np.ndarray | None = None,
) -> Signals:
    """The signals of a collection: ``close`` (papers × topics, rows in ``papers`` order) from
    ``topics.closeness``, ``mentions`` from ``mentions.find_mentions``, ``names`` from
    :func:`name_matrix` and ``embedding`` from ``embedding.paper_space`` (both computed here when
    not given)."""
    slugs = similarity.slugs
    n = len(slugs)
    row = {slug: i for i, slug in enumerate(slugs)}
    subject = [t for t in topics if t.kind == "subject" and t.slug != fallback]
    column = {t.slug: i for i, t in enumerate(subject)}
    parents = {t.slug: t.parent for t in topics}
    pairs = [(row[s], column[t]) for s in slugs for t in set(paper_topics.get(s, ())) if t in column]
    family = {
        (row[s], column[a]) for s in slugs for t in paper_topics.get(s, ()) for a in (t, parents.get(t)) if a in column
    }
    survey_topics = {t.slug for t in topics if t.kind == "survey"}
    surveys = np.array([bool(survey_topics & set(paper_topics.get(s, ()))) for s in slugs])
    if close is not None and len(subject):
        order = [row[p.slug] for p in papers]
        profile = np.zeros((n, len(subject)), dtype=np.float32)
        keep = [i for i, t in enumerate(topics) if t.slug in column]
        profile[order] = np.clip(close[:, keep], 0, None)
        profile = _unit(profile)
    else:
        profile = np.zeros((n, 1), dtype=np.float32)
    mentioned = [(row[s], row[m.target]) for s, found in (mentions or {}).items() for m in found if m.target in row]
    by_slug = {p.slug: p for p in papers}
    if names is None:
        names = name_matrix(papers)
    if embedding is None:
        embedding = paper_space(papers)
    vocabulary = _taxonomy_words(topics)
    return Signals(
        similarity=similarity,
        semantic=semantic_space(similarity.matrix) if similarity.matrix is not None else np.zeros((n, 1), "f4"),
        profile=profile,
        topics=_ones(pairs, (n, max(1, len(subject)))),
        families=_ones(sorted(family), (n, max(1, len(subject)))),
        surveys=surveys,
        mentions=_ones(mentioned, (n, n)),
        names=names,
        explain=functools.cache(lambda word: _explains(word, vocabulary)),
        text=functools.cache(lambda i: f"{by_slug[slugs[i]].title} {by_slug[slugs[i]].abstract}".lower()),
        embedding=embedding,
    )


def _ones(pairs: Sequence[tuple[int, int]], shape: tuple[int, int]) -> sparse.csr_matrix:
    """A matrix of 1 at each (row, column) given (repeats count once)."""
    if not pairs:
        return sparse.csr_matrix(shape, dtype=np.float32)
    rows, columns = zip(*pairs, strict=True)
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=shape)
    matrix.data[:] = 1.0
    return matrix


def name_matrix(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """Which coined names each paper's title and abstract use, among names few papers use: papers
    (rows) in slug order, as ``links.similar_papers`` orders them. It needs only the papers, so the
    build computes it on the second core while ``similar_papers`` runs."""
    ordered = sorted({p.slug: p for p in papers}.values(), key=lambda p: p.slug)
    found = [_coined_names(without_addresses(f"{p.title} {p.abstract}")) for p in ordered]
    counts: dict[str, int] = {}
    for names in found:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    most = max(3, len(papers) // 50)
    numbers = {name: i for i, name in enumerate(sorted(n for n, c in counts.items() if 2 <= c <= most))}
    pairs = [(i, numbers[name]) for i, names in enumerate(found) for name in names if name in numbers]
    return _ones(pairs, (len(ordered), max(1, len(numbers))))


def _coined_names(text: str) -> set[str]:
    """The coined names of a text, word by word: most words cannot hold one, and skipping those is
    most of the work (a name never spans two words)."""
    found: set[str] = set()
    for word in text.split():
        # A name needs a capital or a digit, and a word of letters also a capital after the first.
        if word.isalpha() and (word.islower() or word.istitle()):
            continue
        if word.islower() and not _DIGIT.search(word):
            continue
        found.update(_NAME.findall(word))
    return found


def _taxonomy_words(topics: Sequence[Topic]) -> tuple[set[str], tuple[str, ...]]:
    """The taxonomy's single-word keywords and one-word topic names, and its keywords' prefixes
    (``quantiz``): the words that name a subject alone."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for topic in topics:
        # Single words only: a word of a phrase or of a longer name ("computational cost", "Visual
        # understanding", "Domain applications") says little alone, and a title keyword ("efficient",
        # "evaluating") is a cue to a kind of paper, not a subject.
        for phrase in (*topic.keywords, topic.name):
            word = phrase.lower()
            if " " in word:
                continue
            if word.endswith("*"):
                if len(word) > 5:
                    prefixes.add(word.rstrip("*"))
            elif len(word) > 2:
                words.add(word)
    return words, tuple(sorted(prefixes))


def _explains(word: str, vocabulary: tuple[set[str], tuple[str, ...]]) -> bool:
    words, prefixes = vocabulary
    return word in words or word.startswith(prefixes) or _DIGIT.search(word) is not None


def features(signals: Signals, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The FEATURES of each pair (row paper, column paper), pairs × features (float32)."""
    s = signals
    matrix = s.similarity.matrix
    assert matrix is not None
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    similar = s.similarity.similar
    neighbours = _strongest(similar, NEIGHBOURS) if similar is not None else None
    topics, families = s.topics.toarray(), s.families.toarray()  # papers × subject topics: small
    for start in range(0, len(rows), _PAIRS_AT_ONCE):
        a, b = rows[start : start + _PAIRS_AT_ONCE], columns[start : start + _PAIRS_AT_ONCE]
        part = out[start : start + len(a)]
        part[:, 0] = _similarities(s.similarity, a, b)
        part[:, 1] = _dot_products(s.semantic, a, b)
        if neighbours is not None:
            part[:, 2] = _row_products(neighbours, a, b)
        part[:, 3] = _dot_products(s.profile, a, b)
        part[:, 4] = np.minimum(_dot_products(topics, a, b), 2)
        shares_subject = _dot_products(families, a, b) > 0
        part[:, 5] = (s.surveys[a] != s.surveys[b]) & shares_subject
        part[:, 6] = np.maximum(_lookup(s.mentions, a, b), _lookup(s.mentions, b, a))
        part[:, 7] = np.minimum(_row_products(s.names, a, b), 3)
        part[:, 8] = _dot_products(s.embedding, a, b)
    return out


def _dot_products(space: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The dot product of row ``a[i]`` and row ``b[i]`` of a dense matrix, for each i. Pairs come
    row by row (runs of one ``a``): each run is one block of rows times one vector, five times
    faster than copying both rows of every pair; pairs in no order are multiplied pair by pair."""
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.zeros(0, dtype=np.int64)
    if len(starts) * 8 > len(a):
        result: np.ndarray = np.einsum("ij,ij->i", space[a], space[b])
        return result
    out = np.empty(len(a), dtype=space.dtype)
    for lo, hi in itertools.pairwise([*starts.tolist(), len(a)]):
        out[lo:hi] = space[b[lo:hi]] @ space[a[lo]]
    return out


def _similarities(similarity: Similarity, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The TF-IDF cosine of each pair: read from the pairs ``links.py`` compared, computed for others."""
    assert similarity.matrix is not None
    if similarity.similar is None:
        return _row_products(similarity.matrix, a, b)
    values, found = _stored(similarity.similar, a, b)
    missing = ~found
    if missing.any():
        values[missing] = _row_products(similarity.matrix, a[missing], b[missing])
    return values


def _row_products(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The dot product of row ``a[i]`` and row ``b[i]`` of a sparse matrix, for each i."""
    result: np.ndarray = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1), dtype=np.float32).ravel()
    return result


def _lookup(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``matrix[a[i], b[i]]`` for each i, as float32."""
    return _stored(matrix, a, b)[0]


def _stored(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``matrix[a[i], b[i]]`` for each i (float32) and whether it is stored, by binary search in the
    sorted (row, column) keys: SciPy's element indexing copies every row it touches."""
    if not matrix.nnz:
        return np.zeros(len(a), dtype=np.float32), np.zeros(len(a), dtype=bool)
    if not matrix.has_sorted_indices:
        matrix = matrix.sorted_indices()
    width = np.int64(matrix.shape[1])
    keys = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)) * width + matrix.indices
    wanted = np.asarray(a, dtype=np.int64) * width + np.asarray(b, dtype=np.int64)
    at = np.searchsorted(keys, wanted).clip(max=len(keys) - 1)
    found = keys[at] == wanted
    values = np.where(found, matrix.data[at], 0).astype(np.float32)
    return values, found


def _strongest(similar: sparse.csr_matrix, count: int) -> sparse.csr_matrix:
    """Each row's ``count`` largest entries (unit rows): a paper's nearest neighbours and how near."""
    keep = np.zeros(similar.nnz, dtype=bool)
    keep[_top_per_row(similar.indptr, np.abs(similar.data), count)] = True
    rows = np.repeat(np.arange(similar.shape[0]), np.diff(similar.indptr))
    kept = sparse.csr_matrix((similar.data[keep], (rows[keep], similar.indices[keep])), shape=similar.shape)
    norms = np.sqrt(np.asarray(kept.multiply(kept).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ kept)


def candidates(signals: Signals) -> sparse.csr_matrix:
    """The pairs ranked: those ``links.py`` compared; those where one paper mentions the other; and
    each paper's NEAREST nearest in the reduced space and in the topic profile, and its
    NEIGHBOURS_OF_NEIGHBOURS papers reached through most of its most similar ones (``_two_steps``):
    papers that write one idea in other words, which the shared terms ``links.py`` reads miss."""
    similar = signals.similarity.similar
    n = len(signals.similarity.slugs)
    pattern = sparse.csr_matrix((n, n), dtype=np.float32)
    if similar is not None:
        pattern = similar.copy()
        pattern.data[:] = 1.0
        pattern = pattern + _two_steps(similar, NEIGHBOURS_OF_NEIGHBOURS)
    for space in (signals.semantic, signals.profile):
        pattern = pattern + _marks(*nearest(space, NEAREST), (n, n))
    pattern = pattern + signals.mentions + signals.mentions.T
    pattern = sparse.csr_matrix(pattern + pattern.T)
    pattern.setdiag(0)
    pattern.eliminate_zeros()
    pattern.sort_indices()
    pattern.data[:] = 1.0
    return pattern


def _two_steps(similar: sparse.csr_matrix, count: int, via: int = 10) -> sparse.csr_matrix:
    """Neighbours of neighbours: through each paper's ``via`` most similar papers and their own ``via``
    most similar, the ``count`` papers reached by most paths (equal: the larger summed similarity),
    as a 0/1 pattern. Linear in the collection: via × via paths per paper."""
    strongest = _strongest(similar, via)
    hop = strongest.copy()
    hop.data[:] = 1.0
    paths = sparse.csr_matrix(hop @ hop)
    paths.setdiag(0)
    paths.eliminate_zeros()
    weight = sparse.csr_matrix(strongest @ strongest)
    score = sparse.csr_matrix(paths + weight.multiply(paths > 0) * 1e-3)
    score.sort_indices()
    keep = _top_per_row(score.indptr, score.data.astype(np.float32), count)
    rows = np.repeat(np.arange(score.shape[0]), np.diff(score.indptr))[keep]
    return _marks(rows, score.indices[keep], score.shape)


def _marks(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """A matrix with a positive entry at each (row, column) given."""
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=shape)


def rank_related(
    signals: Signals, weights: np.ndarray = WEIGHTS, intercept: float = INTERCEPT, k: int = TOP_K
) -> dict[Slug, tuple[Related, ...]]:
    """Each paper's k best candidates by the weighted signals, best first (equal scores: by slug),
    with the phrases they share and whether one mentions the other."""
    similarity = signals.similarity
    if similarity.matrix is None:
        return {slug: () for slug in similarity.papers}
    pool = candidates(signals)
    rows = np.repeat(np.arange(pool.shape[0]), np.diff(pool.indptr))
    columns = pool.indices
    once, twin = _once(rows, columns)
    probability = _probability(features(signals, rows[once], columns[once]), weights, intercept)[twin]
    shown = _shown(pool.indptr, probability, k)
    rows, columns, probability = rows[shown], columns[shown], probability[shown]
    once, twin = _once(rows, columns)
    each = shared_phrases(signals, rows[once], columns[once])
    phrases = [each[x] for x in twin.tolist()]
    mentions = _lookup(signals.mentions, rows, columns), _lookup(signals.mentions, columns, rows)
    slugs = similarity.slugs
    found: dict[Slug, list[Related]] = {slug: [] for slug in slugs}
    for x, (i, j) in enumerate(zip(rows.tolist(), columns.tolist(), strict=True)):
        how = "named in this abstract" if mentions[0][x] else "names this paper" if mentions[1][x] else ""
        found[slugs[i]].append(Related(round(float(probability[x]), 4), slugs[j], phrases[x], how))
    return {slug: tuple(found.get(slug, ())) for slug in similarity.papers}


def _once(rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unordered pair once: the positions of the first pair of each (ordered by its smaller,
    then its larger paper), and for every pair the index of its own among them. Every signal and
    every shared phrase is symmetric, so each is computed once per unordered pair: half the work,
    since candidates (and many links shown) go both ways."""
    n = np.int64(max(int(rows.max(initial=0)), int(columns.max(initial=0))) + 1)
    low, high = np.minimum(rows, columns).astype(np.int64), np.maximum(rows, columns).astype(np.int64)
    _, once, twin = np.unique(low * n + high, return_index=True, return_inverse=True)
    return once, twin.ravel()


def _shown(indptr: np.ndarray, probability: np.ndarray, k: int) -> np.ndarray:
    """Positions of the candidates shown: each row's k most probable, best first (equal: the smaller
    position), those at least RELATIVE_CUTOFF of the row's best."""
    best = _top_per_row(indptr, probability, k)
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))[best]
    first = np.zeros(len(indptr) - 1, dtype=np.float32)
    np.maximum.at(first, rows, probability[best])
    result: np.ndarray = best[probability[best] >= RELATIVE_CUTOFF * first[rows]]
    return result


def _probability(values: np.ndarray, weights: np.ndarray, intercept: float) -> np.ndarray:
    """The logistic function of the weighted sum (float32, between 0 and 1)."""
    result: np.ndarray = (1 / (1 + np.exp(-(values.astype(np.float64) @ weights + intercept)))).astype(np.float32)
    return result


def shared_phrases(signals: Signals, rows: np.ndarray, columns: np.ndarray) -> list[tuple[str, ...]]:
    """The key phrases each pair shares, weightiest first, PHRASES at most.

    Weight is the term's share of the pair's TF-IDF similarity. Two-word phrases come first; a single
    word only when the taxonomy uses it or it is a name (never general English), and never when a
    phrase shown holds it. A phrase is shown only as both papers write it; overlapping ones both
    papers write as one are joined (``_joined``). A term more than REASON_SHARE of the papers hold is
    never shown.
    """
    matrix, vocabulary = signals.similarity.matrix, signals.similarity.vocabulary
    assert matrix is not None
    common = np.bincount(matrix.indices, minlength=matrix.shape[1]) > REASON_SHARE * matrix.shape[0]
    result: list[tuple[str, ...]] = []
    for start in range(0, len(rows), _PAIRS_AT_ONCE):
        a, b = rows[start : start + _PAIRS_AT_ONCE], columns[start : start + _PAIRS_AT_ONCE]
        products = matrix[a].multiply(matrix[b]).tocsr()
        products.sort_indices()
        ranked, places = _best_per_row(products.indptr, products.data, 12)
        columns_of = products.indices[products.indptr[ranked] + places]
        terms = np.where(common[columns_of], "", vocabulary[columns_of]).tolist()
        ends = np.searchsorted(ranked, np.arange(len(a) + 1)).tolist()
        for x, (lo, hi) in enumerate(itertools.pairwise(ends)):
            both = (signals.text(int(a[x])), signals.text(int(b[x])))
            # Stop words are dropped before phrases are made: "adaptation of large language" gives
            # "adaptation language", which neither paper writes.
            written = [t for t in terms[lo:hi] if t and (" " not in t or (t in both[0] and t in both[1]))]
            result.append(_phrases(_joined(written, both), signals.explain))
    return result


def _joined(terms: list[str], texts: tuple[str, str]) -> list[str]:
    """``terms`` with each two phrases that overlap by a word (``monte carlo``, ``carlo tree``) joined
    into one (``monte carlo tree``) where both ``texts`` write it, in the place of the weightier; up
    to LONGEST_PHRASE words."""
    terms = list(terms)
    words = [t.split() for t in terms]
    joined = True
    while joined:
        joined = False
        starting: dict[str, list[int]] = {}  # the phrases by their first word, in order
        for j, second in enumerate(words):
            if len(second) >= 2:
                starting.setdefault(second[0], []).append(j)
        for i, first in enumerate(words):
            if len(first) < 2 or first[-1] not in starting:
                continue
            for j in starting[first[-1]]:
                if j == i or len(first) + len(words[j]) - 1 > LONGEST_PHRASE:
                    continue
                phrase = " ".join(first + words[j][1:])
                if phrase in texts[0] and phrase in texts[1]:
                    terms[min(i, j)], words[min(i, j)] = phrase, phrase.split()
                    del terms[max(i, j)], words[max(i, j)]
                    joined = True
                    break
            if joined:
                break
    return terms


def _phrases(terms: Sequence[str], explain: Callable[[str], bool]) -> tuple[str, ...]:
    """The phrases first, then the single words allowed, none twice in another form
    (``quantized`` after ``quantize``, a word of a phrase shown)."""
    chosen: list[str] = []
    seen: set[tuple[str, ...]] = set()
    stems: set[str] = set()
    phrases = (t for t in terms if " " in t)
    for term in itertools.chain(phrases, (t for t in terms if " " not in t and explain(t))):
        key = _stems(term)
        if key in seen or (len(key) == 1 and key[0] in stems):
            continue
        seen.add(key)
        stems.update(key)
        chosen.append(term)
        if len(chosen) == PHRASES:
            break
    return tuple(chosen)


@functools.lru_cache(maxsize=1 << 16)
def _stems(term: str) -> tuple[str, ...]:
    """The stems of a term's words (remembered: the same phrases recur across pairs)."""
    return tuple(stem(word) for word in term.split())


def related_papers(
    papers: Sequence[Paper],
    paper_topics: Mapping[Slug, tuple[Slug, ...]] | None = None,
    topics: Sequence[Topic] = (),
    k: int = TOP_K,
) -> dict[Slug, tuple[Related, ...]]:
    """The k most related papers of each paper from the text alone (and the topics given), best first."""
    from .links import similar_papers

    similarity = similar_papers(papers, k)
    return rank_related(signals(similarity, papers, paper_topics or {}, topics), k=k)


@dataclass(frozen=True)
class LabelledPairs:
    """The candidate pairs of labelled papers, with their signals and what the labels say of them."""

    papers: tuple[Slug, ...]
    """The labelled paper of each pair."""
    targets: tuple[Slug, ...]
    """The candidate of each pair."""
    values: np.ndarray
    """The FEATURES of each pair (pairs × features)."""
    relevance: np.ndarray
    """2 strong, 1 acceptable, 0 neither."""
    indptr: np.ndarray
    """Where each labelled paper's pairs start (papers in slug order, candidates in slug order)."""


def labelled_pairs(signals: Signals, labels: Mapping[Slug, Any]) -> LabelledPairs:
    """Every candidate pair of each labelled paper (``labels``: slug -> ``quality.Label``)."""
    slugs = signals.similarity.slugs
    row = {slug: i for i, slug in enumerate(slugs)}
    pool = candidates(signals)
    wanted = np.array(sorted(row[s] for s in labels if s in row), dtype=np.int64)
    counts = np.diff(pool.indptr)[wanted]
    rows = np.repeat(wanted, counts)
    columns = (
        np.concatenate([pool.indices[pool.indptr[i] : pool.indptr[i + 1]] for i in wanted]) if len(wanted) else rows
    )
    papers = tuple(slugs[i] for i in rows.tolist())
    targets = tuple(slugs[j] for j in columns.tolist())
    relevance = np.array(
        [
            2 if t in labels[p].strong else 1 if t in labels[p].acceptable else 0
            for p, t in zip(papers, targets, strict=True)
        ],
        dtype=np.int8,
    )
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return LabelledPairs(papers, targets, features(signals, rows, columns), relevance, indptr)


def fit(pairs: LabelledPairs, exclude: set[Slug] | frozenset[Slug] = frozenset()) -> tuple[np.ndarray, float]:
    """Weights and intercept of a logistic regression of "related" (strong or acceptable; strong pairs
    count twice) on the signals, from the pairs of every labelled paper not in ``exclude``."""
    from sklearn.linear_model import LogisticRegression

    keep = np.array([p not in exclude for p in pairs.papers], dtype=bool)
    model = LogisticRegression(C=1.0, max_iter=5000)
    relevance = pairs.relevance[keep]
    model.fit(pairs.values[keep], relevance > 0, sample_weight=np.where(relevance == 2, 2.0, 1.0))
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def rank_pairs(
    pairs: LabelledPairs, weights: np.ndarray, intercept: float, only: set[Slug] | None = None, k: int = TOP_K
) -> dict[Slug, tuple[Related, ...]]:
    """What ``rank_related`` shows for the labelled papers (those in ``only``), from their pairs."""
    probability = _probability(pairs.values, weights, intercept)
    result: dict[Slug, list[Related]] = {}
    for x in _shown(pairs.indptr, probability, k).tolist():
        if only is None or pairs.papers[x] in only:
            result.setdefault(pairs.papers[x], []).append(Related(round(float(probability[x]), 4), pairs.targets[x]))
    return {paper: tuple(found) for paper, found in result.items()}
