"""The papers' word vectors (generator/embedding.py): the table shipped inside the wordllama wheel, read
from the installed package."""

from __future__ import annotations

import importlib.util
import random

import numpy as np
import pytest

from generator import embedding
from generator.ids import identity_key, slugify
from generator.model import Paper, Source


def paper(title: str, abstract: str) -> Paper:
    return Paper(
        slug=slugify(title), key=identity_key(title), title=title, abstract=abstract, sources=(Source("a", 1),)
    )


PAPERS = [
    paper("Quantizing weights", "We quantize the weights of large language models to four bits with little loss."),
    paper("Low-bit compression", "Compressing LLM parameters into low-precision integers keeps accuracy."),
    paper("Robot grasping", "A robot arm learns to grasp objects from tactile sensors and cameras."),
    paper("Dexterous hands", "Manipulation with multi-fingered robotic hands trained in simulation."),
    paper("Speech recognition", "Transcribing spoken audio into text with an end-to-end acoustic model."),
]


def test_unit_rows_in_slug_order_whatever_the_input_order():
    space = embedding.paper_space(PAPERS)
    assert space.shape == (len(PAPERS), embedding.DIMENSIONS) and space.dtype == np.float32
    assert np.allclose(np.linalg.norm(space, axis=1), 1, atol=1e-5)
    shuffled = list(PAPERS)
    random.Random(3).shuffle(shuffled)
    again = embedding.paper_space(shuffled)
    assert again.tobytes() == space.tobytes()
    by_slug = sorted(PAPERS, key=lambda p: p.slug)
    alone = embedding.paper_space([by_slug[0], by_slug[0]])  # repeated papers count once
    assert alone.shape == (1, embedding.DIMENSIONS)


def test_other_words_for_one_idea_meet():
    space = embedding.paper_space(PAPERS)
    row = {p.slug: i for i, p in enumerate(sorted(PAPERS, key=lambda p: p.slug))}

    def cosine(a: str, b: str) -> float:
        return float(space[row[slugify(a)]] @ space[row[slugify(b)]])

    # No content word in common, yet each pair is closer than either paper is to the other subject.
    assert cosine("Quantizing weights", "Low-bit compression") > cosine("Quantizing weights", "Robot grasping")
    assert cosine("Robot grasping", "Dexterous hands") > cosine("Robot grasping", "Low-bit compression")


def test_words_tokenized_once_give_the_tokens_of_the_whole_text():
    """Each distinct word is tokenized once and its tokens reused: the same ids as the whole text."""
    _, tokenizer = embedding._model()
    words = embedding._word_tokenizer()
    assert words is not None, "the package's tokenizer only marks spaces: the fast path applies"
    texts = [f"{p.title}. {p.abstract}" for p in PAPERS] + [
        "GPT-4o's 41× speed-up (https://x.io/a_b) on 360° «views» — naïve Schrödinger 中文 😀",
        "two  spaces",
        " a leading space",
        "a trailing space ",
        "",
        "tab\tand\nnewline",
    ]
    whole = [tokenizer.encode(text, add_special_tokens=False).ids for text in texts]
    assert embedding._token_ids(texts, tokenizer, words) == whole
    assert embedding._token_ids(texts, tokenizer, None) == whole


def test_no_papers():
    assert embedding.paper_space([]).shape == (0, embedding.DIMENSIONS)


def test_read_from_the_installed_package_never_downloaded():
    spec = importlib.util.find_spec(embedding.PACKAGE)
    assert spec is not None and spec.submodule_search_locations
    assert embedding._folder().joinpath(embedding.TABLE).stat().st_size > 10_000_000


def test_a_missing_package_is_one_clear_message(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(embedding.EmbeddingMissing, match="make site"):
        embedding._folder()
