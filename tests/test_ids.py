"""Identity keys and slugs: table-driven cases and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ids import MAX_SLUG, identity_key, slugify

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
