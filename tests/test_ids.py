"""Identity keys and slugs: table-driven cases and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ids import MAX_SLUG, abstract_words, identity_key, same_work, slugify, variant_slug, works

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


@given(st.lists(st.text(min_size=1, max_size=80), min_size=2, max_size=30, unique_by=identity_key))
def test_distinct_identities_get_distinct_slugs(titles):
    assert len({slugify(t) for t in titles}) == len(titles)


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
