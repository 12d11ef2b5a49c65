"""Issue 12: a static embedding shipped inside a PyPI wheel, and wider candidates. Both are now in the
generator (the ``embedding`` signal; ``ranking.candidates`` adds the reduced-space and topic-profile
neighbours and the two-step expansion), so the generator's pool already holds the widest variant here.

    python -m bench related-wider                              # wider candidates, no model
    python -m bench related-wider --wordllama                  # also the packaged embedding (installed by hand)
    python -m bench related-wider --papers 10000               # the proposers' cost on a synthetic corpus

Same labels, folds and learner as ``related-quality`` (``quality.held_out``: weights refitted on four
folds, the fifth ranked), on other candidate sets and with one more signal. For each variant: the
strong links the candidates hold, the signal alone (ranked among the generator's candidates), the
learned combination's training fit and held-out figures.

The embedding is WordLlama's ``l2_supercat`` 256-dimension table (``wordllama`` 0.4.0.post1, in
requirements.txt: the weights are in the wheel, the tokenizer JSON too). For the package's own mean,
its loader is used; it looks for the tokenizer in ``tokenizer/`` but the wheel ships ``tokenizers/``,
so the package folder is passed as the cache folder, with downloads disabled: nothing is fetched.
The generator reads the same files itself (``generator/embedding.py``).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from generator import quality, ranking
from generator.model import Related, Slug
from generator.nearest import nearest as generator_nearest
from generator.quality import Label, load_labels, related_scores

from .related_quality import ROOT, _load

Proposer = Callable[[Any], sparse.csr_matrix]


def nearest(space: np.ndarray, count: int) -> sparse.csr_matrix:
    """Each row's ``count`` nearest rows by cosine (``generator/nearest.py``), as a symmetric pattern."""
    return _pattern(*generator_nearest(space, count), len(space))


def _pattern(rows: np.ndarray, columns: np.ndarray, n: int) -> sparse.csr_matrix:
    """A symmetric 0/1 pattern of the pairs given (either paper proposing the other)."""
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(n, n))
    matrix = matrix + matrix.T
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    matrix.sort_indices()
    return sparse.csr_matrix(matrix)


def shared_neighbour_expansion(signals: Any, count: int) -> sparse.csr_matrix:
    """Neighbours of neighbours (``ranking._two_steps``), as a symmetric pattern."""
    return sparse.csr_matrix((ranking._two_steps(signals.similarity.similar, count) > 0).astype(np.float32))


def pairs_on(signals: Any, labels: dict[Slug, Label], pool: sparse.csr_matrix, extra: np.ndarray | None) -> Any:
    """``ranking.labelled_pairs`` on another candidate set, with the 8 signals the generator had before
    ``embedding`` and an extra signal column (the cosine of the rows of ``extra``) when given: with
    the ``idf-weighted, centred`` space that is today's generator (``embedding.paper_space``)."""
    slugs = signals.similarity.slugs
    row = {slug: i for i, slug in enumerate(slugs)}
    wanted = np.array(sorted(row[s] for s in labels if s in row), dtype=np.int64)
    counts = np.diff(pool.indptr)[wanted]
    rows = np.repeat(wanted, counts)
    columns = np.concatenate([pool.indices[pool.indptr[i] : pool.indptr[i + 1]] for i in wanted])
    papers = tuple(slugs[i] for i in rows.tolist())
    targets = tuple(slugs[j] for j in columns.tolist())
    relevance = np.array(
        [
            2 if t in labels[p].strong else 1 if t in labels[p].acceptable else 0
            for p, t in zip(papers, targets, strict=True)
        ],
        dtype=np.int8,
    )
    values = np.delete(ranking.features(signals, rows, columns), ranking.FEATURES.index("embedding"), axis=1)
    if extra is not None:
        cosine = np.einsum("ij,ij->i", extra[rows], extra[columns]).astype(np.float32)
        values = np.column_stack([values, cosine])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return ranking.LabelledPairs(papers, targets, values, relevance, indptr)


def held_out(pairs: Any, labels: dict[Slug, Label], seed: int | None = None) -> tuple[float, float]:
    """``quality.held_out`` on these pairs: papers to folds by slug order (or, with ``seed``, in a
    random order), weights refitted without the fold."""
    slugs = sorted(set(pairs.papers) & set(labels))
    if seed is not None:
        slugs = [slugs[i] for i in np.random.default_rng(seed).permutation(len(slugs))]
    related: dict[Slug, tuple[Related, ...]] = {}
    for fold in range(quality.FOLDS):
        test = set(slugs[fold :: quality.FOLDS])
        weights, intercept = ranking.fit(pairs, exclude=test)
        related.update(ranking.rank_pairs(pairs, weights, intercept, only=test))
    return related_scores(related, {s: labels[s] for s in slugs})


def figures(pairs: Any, labels: dict[Slug, Label]) -> tuple[int, tuple[float, float], tuple[float, float]]:
    """Strong links held, training fit, held-out folds."""
    weights, intercept = ranking.fit(pairs)
    fit = related_scores(ranking.rank_pairs(pairs, weights, intercept), labels)
    return int((pairs.relevance == 2).sum()), fit, held_out(pairs, labels)


def alone(pairs: Any, labels: dict[Slug, Label], column: int) -> tuple[float, float]:
    """One signal ranks the candidates alone."""
    weights = np.zeros(pairs.values.shape[1])
    weights[column] = 1.0
    return related_scores(ranking.rank_pairs(pairs, weights, 0.0), labels)


def wordllama_space(texts: list[str]) -> tuple[dict[str, np.ndarray], float, float, int]:
    """The texts in WordLlama's packaged 256-dimension space (unit rows), two ways: the package's own
    mean of the token vectors, and a mean weighted by each token's inverse document frequency in these
    texts, less the collection's mean vector (the common direction every abstract shares); seconds to
    load and to embed (both ways), and the bytes of the package folder."""
    import wordllama
    from wordllama import WordLlama

    folder = Path(wordllama.__file__).parent
    began = time.perf_counter()
    model = WordLlama.load(cache_dir=folder, disable_download=True)
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    mean = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
    encoded = model.tokenizer.encode_batch(texts, add_special_tokens=False)
    ids = [np.asarray(e.ids, dtype=np.int64)[np.asarray(e.attention_mask, dtype=bool)] for e in encoded]
    rows = np.repeat(np.arange(len(ids)), [len(i) for i in ids])
    width = model.embedding.shape[0]
    counts = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, np.concatenate(ids))), shape=(len(ids), width))
    frequency = np.bincount(counts.indices, minlength=width)
    idf = np.log((len(ids) + 1) / (frequency + 1)).astype(np.float32) + 1
    weighted = np.asarray(counts @ sparse.diags(idf) @ model.embedding, dtype=np.float32)
    weighted /= np.maximum(np.asarray(counts @ idf).reshape(-1, 1), 1e-6)
    weighted -= weighted.mean(axis=0)
    embedded = time.perf_counter() - began
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return {"mean": mean, "idf-weighted, centred": ranking._unit(weighted)}, loaded, embedded, size


def _texts(corpus: Any, signals: Any) -> list[str]:
    by_slug = {p.slug: p for p in corpus.papers}
    return [f"{by_slug[s].title}. {by_slug[s].abstract}" for s in signals.similarity.slugs]


def quality_table(args: argparse.Namespace) -> None:
    corpus, signals, _ = _load(ROOT / "data" / "listings")
    labels = load_labels(ROOT / "data" / quality.LABELS_FILE, corpus.topics)
    labels = {s: v for s, v in labels.items() if s in set(signals.similarity.slugs)}
    strong = sum(len(v.strong) for v in labels.values())
    base = ranking.candidates(signals)
    n = base.shape[0]
    proposers: dict[str, Proposer] = {}
    for k in (5, 10, 20):
        proposers[f"+ LSA neighbours, {k} per paper"] = lambda s, k=k: nearest(s.semantic, k)
    for k in (5, 10, 20):
        proposers[f"+ topic-profile neighbours, {k} per paper"] = lambda s, k=k: nearest(s.profile, k)
    for k in (10, 20, 40):
        proposers[f"+ shared-neighbour expansion, {k} per paper"] = lambda s, k=k: shared_neighbour_expansion(s, k)
    proposers["+ LSA 10 + profile 10 + expansion 20"] = lambda s: (
        nearest(s.semantic, 10) + nearest(s.profile, 10) + shared_neighbour_expansion(s, 20)
    )
    spaces: dict[str, np.ndarray] = {}
    if args.wordllama:
        spaces, loaded, embedded, size = wordllama_space(_texts(corpus, signals))
        print(
            f"wordllama: package folder {size / 2**20:.1f} MiB; load {loaded:.2f} s; {n} papers embedded both ways in "
            f"{embedded:.2f} s ({n / embedded:.0f} papers/s, {os.cpu_count()} cores)"
        )
        for way, space in spaces.items():
            for k in (5, 10, 20):
                proposers[f"+ wordllama ({way}) neighbours, {k} per paper"] = lambda s, k=k, e=space: nearest(e, k)

    if args.splits:
        splits_table(signals, labels, spaces, args.splits)
        return
    print(f"\n{len(labels)} labelled papers, {strong} strong links\n")
    print(
        "| candidates | pairs per paper | strong held | signals | alone r / p | training fit r / p | held-out r / p |"
    )
    print("| --- | ---: | ---: | --- | --- | --- | --- |")

    def row(name: str, pool: sparse.csr_matrix, extra: np.ndarray | None, what: str) -> None:
        pairs = pairs_on(signals, labels, pool, extra)
        held, fit, out = figures(pairs, labels)
        single = (
            alone(pairs_on(signals, labels, base, extra), labels, pairs.values.shape[1] - 1)
            if extra is not None
            else None
        )
        print(
            f"| {name} | {pool.nnz / n:.1f} | {held} ({held / strong:.1%}) | {what} | "
            + (f"{single[0]:.3f} / {single[1]:.3f}" if single else "—")
            + f" | {fit[0]:.3f} / {fit[1]:.3f} | **{out[0]:.3f} / {out[1]:.3f}** |"
        )

    row("generator's (TF-IDF proposals + mentions)", base, None, "8")
    for way, space in spaces.items():
        row("generator's", base, space, f"8 + wordllama ({way}) cosine")
    for name, propose in proposers.items():
        pool = sparse.csr_matrix(((base + propose(signals)) > 0).astype(np.float32))
        pool.sort_indices()
        row(name, pool, None, "8")
        for way, space in spaces.items():
            if f"({way})" in name:
                row(name, pool, space, f"8 + wordllama ({way}) cosine")


def splits_table(signals: Any, labels: dict[Slug, Label], spaces: dict[str, np.ndarray], splits: int) -> None:
    """The held-out figures over ``splits`` other random assignments of papers to folds: whether a
    gain is more than the luck of one split."""
    base = ranking.candidates(signals)
    plain = pairs_on(signals, labels, base, None)
    before = np.array([held_out(plain, labels, seed) for seed in range(splits)])
    print(f"\n{splits} random fold assignments (5 folds each), generator's candidates: mean (min–max) held-out\n")
    print("| signals | recall@5 | precision@5 | splits where recall / precision rose |\n| --- | --- | --- | --- |")
    print(
        f"| 8 | {before[:, 0].mean():.3f} ({before[:, 0].min():.3f}–{before[:, 0].max():.3f}) | "
        f"{before[:, 1].mean():.3f} ({before[:, 1].min():.3f}–{before[:, 1].max():.3f}) | — |"
    )
    for way, space in spaces.items():
        pairs = pairs_on(signals, labels, base, space)
        after = np.array([held_out(pairs, labels, seed) for seed in range(splits)])
        rose = (after > before).sum(axis=0)
        print(
            f"| 8 + wordllama ({way}) | {after[:, 0].mean():.3f} ({after[:, 0].min():.3f}–{after[:, 0].max():.3f}) | "
            f"{after[:, 1].mean():.3f} ({after[:, 1].min():.3f}–{after[:, 1].max():.3f}) | {rose[0]} / {rose[1]} of {splits} |"
        )


def cost_table(args: argparse.Namespace) -> None:
    """Seconds of each proposer on a synthetic corpus of ``--papers`` papers (signals of a real build)."""
    from .__main__ import ensure_corpus

    folder = ensure_corpus(Path(args.out), args.papers, 1)
    corpus, signals, seconds = _load(folder)
    n = len(signals.similarity.slugs)
    print(
        f"{n} papers; stages before rendering {seconds:.1f} s\n\n| proposer | s | pairs per paper |\n| --- | ---: | ---: |"
    )
    runs: dict[str, Callable[[], sparse.csr_matrix]] = {
        "LSA neighbours, 10 (exhaustive)": lambda: nearest(signals.semantic, 10),
        "topic-profile neighbours, 10 (exhaustive)": lambda: nearest(signals.profile, 10),
        "shared-neighbour expansion, 20": lambda: shared_neighbour_expansion(signals, 20),
        "generator's candidates (for scale)": lambda: ranking.candidates(signals),
    }
    if args.wordllama:
        texts = _texts(corpus, signals)
        began = time.perf_counter()
        spaces, loaded, _, _ = wordllama_space(texts)
        print(
            f"| wordllama: load + embed {n} papers both ways | {time.perf_counter() - began:.2f} (load {loaded:.2f}) | — |"
        )
        space = spaces["idf-weighted, centred"]
        runs["wordllama neighbours, 10 (exhaustive)"] = lambda: nearest(space, 10)
    for name, run in runs.items():
        began = time.perf_counter()
        pool = run()
        print(f"| {name} | {time.perf_counter() - began:.2f} | {pool.nnz / n:.1f} |")
    extra = ranking.candidates(signals)
    began = time.perf_counter()
    pool = extra + nearest(signals.semantic, 10)
    rows = np.repeat(np.arange(n), np.diff(pool.indptr))
    ranking.features(signals, rows, pool.indices)
    print(
        f"| signals of the candidates + LSA 10 ({pool.nnz / n:.1f} per paper) | {time.perf_counter() - began:.2f} | — |"
    )
    began = time.perf_counter()
    rows = np.repeat(np.arange(n), np.diff(extra.indptr))
    ranking.features(signals, rows, extra.indices)
    print(
        f"| signals of the generator's candidates ({extra.nnz / n:.1f} per paper) | {time.perf_counter() - began:.2f} | — |"
    )


def main(args: argparse.Namespace) -> int:
    if args.papers:
        cost_table(args)
    else:
        quality_table(args)
    return 0
