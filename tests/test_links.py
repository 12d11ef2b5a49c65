"""Related papers (generator/links.py proposes, generator/ranking.py ranks): the same lists whatever the
input order, ties by slug, bounded work per paper."""

from __future__ import annotations

import random

import numpy as np
import pytest

from generator import links, ranking
from generator.clean import clean_entry
from generator.dedupe import dedupe
from generator.ids import identity_key, slugify
from generator.model import Paper, Source
from generator.read import read_paths
from tests.conftest import ROOT


def paper(title: str, abstract: str) -> Paper:
    return Paper(
        slug=slugify(title), key=identity_key(title), title=title, abstract=abstract, sources=(Source("a", 1),)
    )


@pytest.fixture(scope="module")
def bundled() -> list[Paper]:
    return dedupe([clean_entry(e) for e in read_paths([ROOT / "data" / "listings"]).entries])


def test_same_lists_in_any_input_order(bundled):
    shuffled = list(bundled)
    random.Random(1).shuffle(shuffled)
    assert ranking.related_papers(shuffled) == ranking.related_papers(bundled)


def test_papers_with_the_same_text_are_taken_in_slug_order(monkeypatch):
    # Word vectors tell "alpha" from "delta" in the titles: one vector for every paper, so the papers tie.
    monkeypatch.setattr(ranking, "paper_space", lambda papers: np.full((len(papers), 4), 0.5, dtype=np.float32))
    abstract = "Sparse mixture of experts routing with expert capacity and load balancing losses for transformers."
    copies = [paper(f"Routing study {name}", abstract) for name in ("delta", "alpha", "echo", "charlie", "bravo")]
    others = [paper(f"Unrelated {i}", f"Topic{i} words{i} only{i} here{i} and{i} there{i}.") for i in range(10)]
    related = ranking.related_papers([*copies, *others], k=2)
    assert [r.target for r in related[slugify("Routing study echo")]] == [
        slugify("Routing study alpha"),
        slugify("Routing study bravo"),
    ]
    assert [r.target for r in related[slugify("Routing study alpha")]] == [
        slugify("Routing study bravo"),
        slugify("Routing study charlie"),
    ]
    assert related[others[0].slug] == ()


def test_lists_are_best_first_and_never_the_paper_itself(bundled):
    related = ranking.related_papers(bundled)
    assert set(related) == {p.slug for p in bundled}
    for slug, relations in related.items():
        assert len(relations) <= links.TOP_K
        assert slug not in {r.target for r in relations}
        assert [r.score for r in relations] == sorted((r.score for r in relations), reverse=True)
        assert all(len(r.terms) <= ranking.PHRASES for r in relations)


def test_a_reason_never_names_a_term_most_papers_use(bundled):
    related = ranking.related_papers(bundled)
    texts = [f"{p.title} {p.abstract}".lower() for p in bundled]
    shown = {term for relations in related.values() for r in relations for term in r.terms}
    assert len(shown) > 100
    for word in ("language", "models", "training"):  # in a collection of language-model papers
        assert sum(word in t for t in texts) > ranking.REASON_SHARE * len(texts)
        assert word not in shown


def test_overlapping_phrases_both_papers_write_read_as_one():
    texts = ("we use monte carlo tree search here.", "monte carlo tree search and more.")
    assert ranking._joined(["carlo tree", "monte carlo", "tree search", "search"], texts) == [
        "monte carlo tree search",
        "search",
    ]
    # Only as both write it; never past LONGEST_PHRASE words.
    assert ranking._joined(["monte carlo", "carlo tree"], ("monte carlo tree", "monte carlo. carlo tree")) == [
        "monte carlo",
        "carlo tree",
    ]
    long = "a b c d e f"
    assert ranking._joined(["a b", "b c", "c d", "d e", "e f"], (long, long)) == ["a b c d", "d e f"]


def test_a_pair_has_the_same_similarity_both_ways(bundled):
    related = ranking.related_papers(bundled)
    scores = {(slug, r.target): r.score for slug, relations in related.items() for r in relations}
    assert scores
    assert all(scores.get((b, a), score) == score for (a, b), score in scores.items())


def test_each_paper_proposes_a_bounded_number_of_pairs():
    rng = np.random.default_rng(1)
    words = [f"w{i:04d}x" for i in range(3000)]
    papers = [paper(f"Paper {i}", " ".join(rng.choice(words, 60))) for i in range(1500)]
    matrix = links.TfidfVectorizer(max_df=0.5, dtype=np.float32).fit_transform(p.abstract for p in papers).tocsr()
    matrix.sort_indices()
    keys = links._proposals(links._weightiest(matrix), matrix.T.tocsr(), np.arange(len(papers)))
    first, second = keys // len(papers), keys % len(papers)
    assert 0 < len(keys) <= len(papers) * links.PROPOSED
    assert np.all(first < second)
    assert np.all(np.diff(keys) > 0)  # sorted, no pair twice


@pytest.mark.parametrize(
    "papers",
    [
        [],
        [paper("Alone", "A single paper has nothing to relate to.")],
        [paper("Digits one", "1 2 3"), paper("Digits two", "4 5 6")],
        [paper("Nothing shared", "alpha beta gamma"), paper("Still nothing", "delta epsilon zeta")],
    ],
    ids=["no papers", "one paper", "no terms", "no shared term"],
)
def test_small_inputs_give_empty_lists(papers):
    assert ranking.related_papers(papers) == {p.slug: () for p in papers}


def test_papers_whose_terms_are_all_common_still_find_related_papers(bundled, monkeypatch):
    usual = ranking.related_papers(bundled)
    monkeypatch.setattr(links, "PROPOSING_DF", 1)  # no term is rare, each term proposes its heaviest paper
    second_look = ranking.related_papers(bundled)
    with_related = {slug for slug, found in usual.items() if found}
    assert len({slug for slug, found in second_look.items() if found} & with_related) > 0.9 * len(with_related)


def test_the_fast_vectorizer_makes_scikit_learns_vectors_bit_for_bit(bundled):
    """Same vocabulary, same sparse layout, same float32 bits as TfidfVectorizer with the old
    (Unicode) token pattern, on the bundled abstracts and on texts mixing ASCII and not."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = random.Random(5)
    words = ["Über", "naïve", "model", "Models", "x2", "2x", "a_b", "_a", "b_", "co-op", "--", "ab-", "İx", "ǅa",
             "ß", "²a", "a²", "٣b", "GPT-4", "the", "and", "ﬁne", "model.", "\u00a0", "x", "LLaMA", "7B"]  # fmt: skip
    mixed = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    texts = [links.paper_text(p) for p in bundled]
    for documents in (texts, mixed, [t.encode("ascii", "ignore").decode() for t in mixed]):
        old = TfidfVectorizer(
            stop_words=links._STOP_WORDS,
            sublinear_tf=True,
            max_df=0.5,
            min_df=2,
            ngram_range=(1, 2),
            token_pattern=r"(?u)\b[^\W\d_][\w-]*[^\W_]\b",
            dtype=np.float32,
        )
        new = links._vectorizer()
        want, got = old.fit_transform(documents).tocsr(), new.fit_transform(documents).tocsr()
        assert list(new.get_feature_names_out()) == list(old.get_feature_names_out())
        assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
        assert got.data.tobytes() == want.data.tobytes()
