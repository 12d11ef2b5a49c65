"""Previews of papers (generator/emit/previews.py): the first sentence, the shards and their files."""

from __future__ import annotations

import json
import random
import re

import pytest

from generator.emit.lists import SENTENCE_LIMIT, first_sentence
from generator.emit.previews import (
    INDEX,
    PER_SHARD,
    Preview,
    shard_count,
    shard_files,
    shard_of,
)
from generator.model import Slug

SENTENCES = [
    pytest.param("We propose X. It works.", "We propose X.", id="plain"),
    pytest.param("Methods (e.g. GPT-4) fail. We fix them.", "Methods (e.g. GPT-4) fail.", id="e.g."),
    pytest.param("We use e.g., GPT-4 here. Next.", "We use e.g., GPT-4 here.", id="e.g.-comma"),
    pytest.param("Tasks, i.e. Math, are hard. Next.", "Tasks, i.e. Math, are hard.", id="i.e."),
    pytest.param("Smith et al. (2023) show it. We do more.", "Smith et al. (2023) show it.", id="et-al."),
    pytest.param("Ours vs. GPT-4 wins. Next.", "Ours vs. GPT-4 wins.", id="vs."),
    pytest.param("As Fig. 2 shows, it is fast. Next.", "As Fig. 2 shows, it is fast.", id="Fig.-2"),
    pytest.param("It gains 3.5 points on GPT-3.5. We also.", "It gains 3.5 points on GPT-3.5.", id="decimals"),
    pytest.param("Made in the U.S. Army labs. Next.", "Made in the U.S. Army labs.", id="initials"),
    pytest.param("Why scale? Because. Yes!", "Why scale?", id="question"),
    pytest.param('They say "it works." Then more.', 'They say "it works."', id="closing-quote"),
    pytest.param("We see it (in Sec. 3). Next.", "We see it (in Sec. 3).", id="Sec.-in-brackets"),
    pytest.param("A lower-case start. and more text.", "A lower-case start. and more text.", id="no-capital-after"),
    pytest.param("One line\nof text.\n\nSecond paragraph.", "One line of text.", id="line-breaks"),
    pytest.param("No full stop at all", "No full stop at all", id="no-stop"),
    pytest.param("Spaced" + " " * 2000 + "out. Next.", "Spaced out.", id="long-white-space"),
    pytest.param("", "", id="empty"),
]


@pytest.mark.parametrize(("abstract", "expected"), SENTENCES)
def test_first_sentence(abstract: str, expected: str) -> None:
    assert first_sentence(abstract) == expected


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    abstract = "We study " + "very " * 100 + "long sentences. Next."
    sentence = first_sentence(abstract)
    assert len(sentence) <= SENTENCE_LIMIT and sentence.endswith("very…"), sentence
    assert first_sentence("x" * 1000) == "x" * (SENTENCE_LIMIT - 1) + "…"


# CRC-32 as published (the check value of "123456789"); previews.js computes the same function.
@pytest.mark.parametrize(
    ("text", "value"), [("", 0), ("a", 0xE8B7BE43), ("123456789", 0xCBF43926)], ids=["empty", "a", "check"]
)
def test_shard_of_is_crc_32(text: str, value: int) -> None:
    assert shard_of(Slug(text), 1 << 32) == value
    assert shard_of(Slug(text), 8) == value % 8


@pytest.mark.parametrize(
    ("papers", "shards"), [(0, 1), (1, 1), (PER_SHARD, 1), (PER_SHARD + 1, 2), (446, 8), (10_000, 256)]
)
def test_shard_count_keeps_shards_at_most_per_shard_on_average(papers: int, shards: int) -> None:
    assert shard_count(papers) == shards


_SHARD = re.compile(r"^__previewShard\((\d+), (.*)\)\n$", re.DOTALL)


def _previews(count: int) -> dict[Slug, Preview]:
    rng = random.Random(count)
    return {
        Slug(f"paper-{n}-{rng.randrange(10**6)}"): Preview(
            title=f"<script>alert({n})</script> & 'Title' \"{n}\"\u2028",
            date="" if n % 3 else "Aug 5, 2022",
            topics=("Quantization", "Agents and tool use")[: n % 3],
            sentence=f"Sentence {n}.",
        )
        for n in range(count)
    }


def test_every_paper_is_in_exactly_one_shard_the_one_its_slug_hashes_to() -> None:
    found = _previews(1_000)
    files = shard_files(found)
    count = shard_count(len(found))
    assert files[INDEX] == f"__previewShards({count})\n".encode()
    assert sorted(files) == sorted([INDEX, *(f"previews/{n}.js" for n in range(count))])
    seen: dict[str, int] = {}
    for name, data in files.items():
        if name == INDEX:
            continue
        match = _SHARD.match(data.decode("utf-8"))
        assert match, f"{name} is not one call of __previewShard: {data[:80]!r}"
        number, shard = int(match[1]), json.loads(match[2])
        assert name == f"previews/{number}.js"
        assert list(shard) == sorted(shard), f"{name}: papers not sorted by slug"
        for slug, entry in shard.items():
            assert slug not in seen, f"{slug} is in shards {seen[slug]} and {number}"
            assert shard_of(Slug(slug), count) == number
            seen[slug] = number
            p = found[Slug(slug)]
            assert entry == [p.title, p.date, list(p.topics), p.sentence]
    assert set(seen) == set(found)


def test_shard_files_are_the_same_bytes_whatever_the_order() -> None:
    found = _previews(300)
    shuffled = list(found.items())
    random.Random(7).shuffle(shuffled)
    assert shard_files(found) == shard_files(dict(shuffled)) == shard_files(_previews(300))


def test_shard_files_are_javascript_without_raw_line_separators() -> None:
    """U+2028 ends a string literal in JavaScript before ES2019: written as an escape."""
    for data in shard_files(_previews(50)).values():
        assert "\u2028" not in data.decode("utf-8")
    assert b"\\u2028" in b"".join(shard_files(_previews(50)).values())
