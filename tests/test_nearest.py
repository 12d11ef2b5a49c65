"""Nearest papers in a dense space (generator/nearest.py): exact on small collections, through
clusters on large ones, never a paper itself, nothing for a paper the space says nothing of."""

from __future__ import annotations

import numpy as np
import pytest

from generator import nearest as nearest_module
from generator.nearest import nearest


def unit_rows(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def grouped(n: int, seed: int = 0, groups: int = 40, dimensions: int = 24) -> np.ndarray:
    """Points around ``groups`` centres, as papers around their subjects."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dimensions))
    return unit_rows(centres[rng.integers(0, groups, n)] + 0.6 * rng.standard_normal((n, dimensions)))


def as_sets(rows: np.ndarray, columns: np.ndarray) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for r, c in zip(rows.tolist(), columns.tolist(), strict=True):
        found.setdefault(r, set()).add(c)
    return found


def test_each_row_gets_its_nearest_others_by_cosine():
    space = grouped(300)
    found = as_sets(*nearest(space, 5))
    scores = space @ space.T
    np.fill_diagonal(scores, -np.inf)
    for row in range(len(space)):
        assert len(found[row]) == 5
        assert row not in found[row]
        fifth = np.sort(scores[row])[-5]
        assert all(scores[row, c] >= fifth - 1e-6 for c in found[row])


def test_a_paper_the_space_says_nothing_of_neither_looks_nor_is_found():
    space = grouped(50)
    space[[3, 17]] = 0
    rows, columns = nearest(space, 4)
    assert not {3, 17} & set(rows.tolist())
    assert not {3, 17} & set(columns.tolist())


@pytest.mark.parametrize("space", [np.zeros((0, 3), np.float32), np.zeros((4, 3), np.float32), grouped(1)])
def test_nothing_to_compare_gives_no_pairs(space):
    rows, columns = nearest(space, 10)
    assert len(rows) == len(columns) == 0


def test_asking_for_more_than_there_are_gives_every_other():
    space = grouped(6)
    found = as_sets(*nearest(space, 50))
    assert found == {r: set(range(6)) - {r} for r in range(6)}


def test_large_collections_go_through_clusters_and_find_nearly_the_same(monkeypatch):
    space = grouped(3000, seed=2)
    exact = as_sets(*nearest(space, 10))
    monkeypatch.setattr(nearest_module, "EXACT_LIMIT", 500)
    clustered = nearest(space, 10)
    assert [a.tolist() for a in clustered] == [a.tolist() for a in nearest(space, 10)]  # deterministic
    found = as_sets(*clustered)
    assert all(row not in others and len(others) == 10 for row, others in found.items())
    shared = sum(len(found[r] & exact[r]) for r in exact)
    assert shared >= 0.9 * sum(len(v) for v in exact.values())
