"""Identity keys and slugs (generator/ids.py): table-driven cases and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ids import (
    MAX_SLUG,
    abstract_words,
    distinct_slugs,
    identity_key,
    named,
    organisation_slugs,
    paper_key,
    same_work,
    slugify,
    variant_slug,
    works,
)
from generator.model import Paper, Source

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GPTQ: Accurate Post-Training Quantization", "gptq:  accurate post-training quantization"),
        ("QLoRA: Efficient Finetuning", "QLoRA:\u00a0Efficient\tFinetuning"),
        ("Nyströmformer", "Nystro\u0308mformer"),  # composed vs decomposed
        ("ﬁne-tuning", "fine tuning"),  # compatibility ligature
    ],
)
def test_same_paper_despite_case_spacing_and_unicode_form(a, b):
    assert identity_key(a) == identity_key(b)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("GPTQ: Accurate Post-Training Quantization", "gptq-accurate-post-training-quantization"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("Yi: Open Foundation Models by 01.AI", "yi-open-foundation-models-by-01-ai"),
    ],
)
def test_slug_table(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["PixArt-α: Fast Training", "日本語のモデル", "Ñandú", "x" * 200])
def test_lossy_or_long_slugs_get_a_hash_that_keeps_them_apart(title):
    slug = slugify(title)
    assert SLUG.match(slug) and len(slug) <= MAX_SLUG + 7
    assert slug != slugify(title + " 2")


@given(st.text(min_size=1, max_size=300))
def test_slugs_are_url_safe_nonempty_and_a_function_of_the_identity(title):
    slug = slugify(title)
    assert SLUG.match(slug), slug
    assert slug == slugify(title.upper().lower()) or identity_key(title) != identity_key(title.upper().lower())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Learning C++ Programs With Transformers", "Learning C# Programs With Transformers"),
        ("Learning C++ Programs", "Learning C Programs"),
        ("Q&A Models", "QA Models"),
        ("A* Search for LLMs", "A Search for LLMs"),
        ("∇-Prox", "Prox"),
        ("🚀🔥💯", "🚀"),
        ("###", "#"),
    ],
)
def test_symbols_that_tell_titles_apart_count_for_identity(a, b):
    assert identity_key(a) != identity_key(b)


def test_symbols_count_however_they_are_spaced_and_punctuation_still_does_not():
    assert identity_key("VLA+RL: Training") == identity_key("VLA + RL — training")
    assert identity_key("Ｃ＋＋ Programs") == identity_key("C++ programs")  # fullwidth (NFKC)
    assert identity_key("Byte-~and Word-Level") == identity_key("Byte- and Word-Level")  # a LaTeX tie


@pytest.mark.parametrize("title", ["?!?!...---", "🚀🔥💯", "###", "…", " "])
def test_titles_without_letters_or_digits_name_nothing_and_their_abstract_tells_them_apart(title):
    assert not named(title)
    assert paper_key(title, "One abstract.") != paper_key(title, "Another abstract.")
    assert paper_key(title, "One abstract.") == paper_key(title, "one abstract")
    assert SLUG.match(slugify(title))
    assert named("α") and named("x²") and paper_key("GPTQ", "a") == paper_key("GPTQ", "b")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Über Transformers", "Uber Transformers " + slugify("Über Transformers").rsplit("-", 1)[1]),
        ("!!!", slugify("!!!")),  # a title without words is the hash of its symbols; this title spells it
        ("Learning C++ Programs", "Learning C# Programs"),
        ("Short " + "y" * 100, "Short " + slugify("Short " + "y" * 100).rsplit("-", 1)[1]),  # cut to "short"
    ],
)
def test_constructed_slug_collisions_are_settled_and_the_title_that_spells_the_slug_keeps_it(a, b):
    assert slugify(a) == slugify(b)
    papers = [paper(a, "Abstract of A."), paper(b, "Abstract of B.")]
    slugs = distinct_slugs(papers)
    assert len(set(slugs)) == 2 and all(SLUG.match(s) for s in slugs)
    assert distinct_slugs(papers[::-1]) == slugs[::-1]
    spelled = [p for p in papers if p.slug == "-".join(p.key.split())]
    for p in spelled:
        assert slugs[papers.index(p)] == p.slug


def test_a_slug_wanted_by_many_settles_each_in_turn_and_never_takes_a_wanted_slug():
    base = [paper(f"C{'+' * n} Programs", "Abstract.") for n in range(1, 6)]
    taken = [paper(f"C Programs {s.rsplit('-', 1)[1]}", "Abstract.") for s in distinct_slugs(base)[1:]]
    papers = base + taken
    slugs = distinct_slugs(papers)
    assert len(set(slugs)) == len(papers)
    assert [slugs[papers.index(p)] for p in taken] == [p.slug for p in taken]  # they spell their slugs


def test_organisations_whose_handles_slug_alike_get_distinct_slugs():
    slugs = organisation_slugs(["c++", "c#", "c", "C", "OpenBMB", "openbmb"])
    assert slugs["c"] == slugs["C"] == "c"  # the handle that spells the slug keeps it
    assert slugs["OpenBMB"] == slugs["openbmb"] == "openbmb"  # one organisation, case aside
    assert len({slugs["c++"], slugs["c#"], slugs["c"]}) == 3
    assert organisation_slugs(["a_b", "a-b", "a.b"]) == {"a-b": "a-b", "a_b": "a-b-648fa9", "a.b": "a-b-2e7336"}
    assert organisation_slugs(["c#", "c++"]) == organisation_slugs(["c++", "c#"])  # order does not count


def paper(title: str, abstract: str) -> Paper:
    """A paper as dedupe makes it, before slugs are settled."""
    return Paper(slugify(title), paper_key(title, abstract), title, abstract, (Source("a.txt", 1),))


RAG = (
    "We study how the performance of retrieval-augmented language models scales with the size of the datastore, "
    "the number of retrieved passages and the parameters of the reader. Across six benchmarks, a smaller model "
    "that reads from a trillion-token datastore matches a model ten times larger without retrieval."
)
VIT = (
    "How should vision transformers grow when compute grows? We train more than two hundred image classifiers "
    "from five million to two billion parameters on up to four billion labelled images and fit how their error "
    "falls with width, depth and training steps."
)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (RAG, RAG, True),
        (RAG, RAG.upper(), True),  # case does not count
        (RAG, RAG[:120] + "…", True),  # a truncated copy, cut inside a word
        (RAG, RAG.replace("six benchmarks", "seven benchmarks"), True),  # a revised version
        (RAG, VIT, False),  # two papers
        ("Short abstract.", VIT, True),  # too few words to tell
    ],
)
def test_same_work_table(a, b, same):
    assert same_work(a, b) is same
    assert same_work(b, a) is same


def test_abstract_words_are_distinct_and_folded():
    assert abstract_words("The model; the MODEL, a model") == {"the", "model", "a"}


def test_variant_slugs_extend_the_title_slug_and_depend_on_the_abstract_start():
    slug = variant_slug("Scaling Laws — A Study?", VIT)
    assert slug.startswith(slugify("Scaling Laws: A Study") + "-") and SLUG.match(slug)
    assert slug != variant_slug("Scaling Laws — A Study?", RAG)
    assert slug == variant_slug("Scaling laws: a study", VIT + " One more sentence at the end.")


words = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


@given(st.lists(words, min_size=1, max_size=80), st.integers(min_value=1, max_value=80))
def test_a_truncated_copy_is_always_the_same_work(sequence, cut):
    text = " ".join(sequence)
    assert same_work(text, text[:cut])


def test_a_short_copy_joins_the_work_it_was_cut_from_and_links_no_two_works():
    cut = RAG[:150] + "…"  # fewer than SAME_WORK_WORDS distinct words: same_work with anything
    assert same_work(cut, VIT)
    assert sorted(works([VIT, cut, RAG])) == sorted([sorted([cut, RAG]), [VIT]])
    assert works(["Short one.", "Short two."]) == [["Short one.", "Short two."]]
