"""Each paper's nearest papers in a dense space of unit rows (the reduced space, the topic profile):
more candidates for related papers (``ranking.candidates``), where two papers meet that write the
same idea in other words.

Exactly, block by block, up to EXACT_LIMIT papers; beyond, through clusters (each paper compared
with the papers of the PROBES clusters nearest its own), so that the work grows about as n√n and
no N×N matrix is ever held.
"""

from __future__ import annotations

import numpy as np

EXACT_LIMIT = 4_000
"""Collections up to this size compare every pair (0.3 s at 4,000 papers in 100 dimensions; 1.7 s at
10,000, where the clusters take 0.6 s and find 95 % of the same neighbours)."""

PROBES = 8
"""Clusters a paper's neighbours are looked for in, beyond EXACT_LIMIT: its own and the nearest others."""

ROUNDS = 4
"""Rounds of k-means that place the clusters (on at most EXACT_LIMIT papers, evenly spaced)."""

_BLOCK = 1_024
"""Papers compared with the collection at once (memory: this many × n scores)."""


def nearest(space: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``count`` nearest other rows by cosine, as (rows, columns) pairs; rows of zeros
    (a paper the space says nothing of) neither look nor are found. Deterministic: the same space
    gives the same pairs."""
    live = np.flatnonzero(np.any(space != 0, axis=1))
    count = min(count, len(live) - 1)
    if count < 1:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    points = np.ascontiguousarray(space[live], dtype=np.float32)
    if len(points) <= EXACT_LIMIT:
        rows, columns = _exact(points, np.arange(len(points)), np.arange(len(points)), count)
    else:
        rows, columns = _clustered(points, count)
    return live[rows], live[columns]


def _exact(points: np.ndarray, queries: np.ndarray, targets: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` nearest of ``targets`` to each of ``queries`` (indices of ``points``), never itself."""
    count = min(count, len(targets) - 1)
    if count < 1:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    found_rows, found_columns = [], []
    against = points[targets]
    place = np.full(len(points), -1, dtype=np.int64)
    place[targets] = np.arange(len(targets))
    for start in range(0, len(queries), _BLOCK):
        block = queries[start : start + _BLOCK]
        scores = points[block] @ against.T
        own = place[block]
        scores[np.flatnonzero(own >= 0), own[own >= 0]] = -np.inf
        best = np.argpartition(-scores, count - 1, axis=1)[:, :count]
        found_rows.append(np.repeat(block, count))
        found_columns.append(targets[best.ravel()])
    return np.concatenate(found_rows).astype(np.int64), np.concatenate(found_columns).astype(np.int64)


def _clustered(points: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``_exact`` within each cluster's neighbourhood: the papers of the PROBES clusters whose
    centres are nearest the cluster's own."""
    n = len(points)
    clusters = int(np.sqrt(n))
    centres = points[np.linspace(0, n - 1, clusters).astype(np.int64)].copy()
    sample = points[np.linspace(0, n - 1, min(n, EXACT_LIMIT)).astype(np.int64)]
    for _ in range(ROUNDS):
        owner = _closest(sample, centres)
        sums = np.zeros_like(centres)
        np.add.at(sums, owner, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centres = np.where(norms > 0, sums / np.maximum(norms, 1e-12), centres).astype(np.float32)
    owner = _closest(points, centres)
    probes = np.argsort(-(centres @ centres.T), axis=1, kind="stable")[:, :PROBES]
    members = [np.flatnonzero(owner == c) for c in range(clusters)]
    found_rows, found_columns = [], []
    for c in range(clusters):
        if not len(members[c]):
            continue
        targets = np.concatenate([members[p] for p in probes[c]])
        rows, columns = _exact(points, members[c], targets, count)
        found_rows.append(rows)
        found_columns.append(columns)
    return np.concatenate(found_rows), np.concatenate(found_columns)


def _closest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The nearest centre of each point (block by block)."""
    return np.concatenate(
        [np.argmax(points[s : s + _BLOCK * 8] @ centres.T, axis=1) for s in range(0, len(points), _BLOCK * 8)]
    )
