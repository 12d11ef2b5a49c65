"""Deduplication (generator/dedupe.py): identity, merged metadata, every source kept, order independence."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.clean import clean_entry
from generator.dedupe import dedupe
from generator.ids import slugify, variant_slug
from generator.model import Entry, Organisation, Source
from generator.read import decode, find_listings, load_listing_info, read_listing

from .test_ids import RAG, VIT

LISTINGS = Path(__file__).parent.parent / "data" / "listings"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def entry(title: str, file: str, line: int, **kw) -> Entry:
    return Entry(title=title, abstract=kw.pop("abstract", "An abstract."), source=Source(file, line), **kw)


def test_copies_merge_metadata_and_keep_every_source():
    copies = [
        entry("QLoRA: Efficient Finetuning", "b.txt", 9, authors=4, upvotes=3),
        entry("qlora:  efficient finetuning", "a.txt", 1, date=dt.date(2023, 5, 23), abstract="A longer abstract."),
        entry("QLoRA: Efficient Finetuning", "c.txt", 5, upvotes=7, organisation=Organisation("uw", "UW")),
    ]
    (paper,) = dedupe(copies)
    assert paper.title == "QLoRA: Efficient Finetuning"
    assert paper.abstract == "A longer abstract."
    assert (paper.authors, paper.date, paper.upvotes) == (4, dt.date(2023, 5, 23), 7)
    assert paper.organisation == Organisation("uw", "UW")
    assert [str(s) for s in paper.sources] == ["a.txt:1", "b.txt:9", "c.txt:5"]
    assert paper.listings == ("a.txt", "b.txt", "c.txt")


def test_input_order_changes_nothing():
    entries = [entry(f"Paper {i % 7}", f"f{i % 3}.txt", i) for i in range(40)]
    shuffled = entries[:]
    random.Random(4).shuffle(shuffled)
    assert dedupe(entries) == dedupe(shuffled)


def test_bundled_corpus_has_446_distinct_papers():
    """Checked by hand once: the 48 merged copies are the same papers listed in several dumps."""
    info = load_listing_info(LISTINGS)
    entries = []
    for path in find_listings([LISTINGS]):
        entries += read_listing(decode(path.read_bytes(), path.name), path.name, info[path.name]).entries
    papers = dedupe(clean_entry(e) for e in entries)
    assert (len(entries), len(papers)) == (494, 446)
    assert len({p.slug for p in papers}) == 446
    merged = [p for p in papers if len(p.sources) > 1]
    assert sum(len(p.sources) - 1 for p in merged) == 48


def test_one_title_with_two_different_abstracts_is_two_papers_and_a_warning_naming_both_places():
    entries = [
        entry("Scaling Laws — A Study?", "b.txt", 7, abstract=VIT, date=dt.date(2024, 6, 2)),
        entry("Scaling Laws: A Study", "a.txt", 12, abstract=RAG, date=dt.date(2024, 3, 11)),
        entry("Scaling laws: a study", "b.txt", 20, abstract=RAG[:150] + "…", upvotes=44),
    ]
    warnings = []
    rag, vit = sorted(dedupe(entries, warnings.append), key=lambda p: len(p.slug))
    assert rag.slug == "scaling-laws-a-study" and rag.abstract == RAG and rag.upvotes == 44
    assert [str(s) for s in rag.sources] == ["a.txt:12", "b.txt:20"]  # the truncated copy merged
    assert vit.slug == variant_slug("Scaling Laws — A Study?", VIT) and vit.abstract == VIT
    (warning,) = warnings
    assert str(warning.source) == "b.txt:7" and "a.txt:12" in warning.message
    assert rag.slug in warning.message and vit.slug in warning.message


def test_the_earliest_dated_work_keeps_the_title_slug():
    older = entry("Scaling Laws: A Study", "z.txt", 1, abstract=VIT, date=dt.date(2020, 1, 1))
    newer = entry("Scaling Laws: A Study", "a.txt", 1, abstract=RAG, date=dt.date(2024, 1, 1))
    slugs = {p.abstract: p.slug for p in dedupe([newer, older])}
    assert slugs[VIT] == "scaling-laws-a-study" and slugs[RAG] == variant_slug("Scaling Laws: A Study", RAG)


ABSTRACTS = [RAG, VIT, RAG[:100], "A short one.", VIT.replace("two hundred", "three hundred"), RAG.upper()]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Scaling Laws: A Study", "scaling laws - a study", "Other"]),
            st.sampled_from(ABSTRACTS),
            st.integers(1, 9),
            st.sampled_from([None, dt.date(2024, 1, 1), dt.date(2023, 1, 1)]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_papers_and_slugs_do_not_depend_on_input_order(rows, rnd):
    entries = [entry(t, f"f{i}.txt", line, abstract=a, date=d) for i, (t, a, line, d) in enumerate(rows)]
    shuffled = entries[:]
    rnd.shuffle(shuffled)
    first, second = [], []
    assert dedupe(entries, first.append) == dedupe(shuffled, second.append)
    assert first == second
    papers = dedupe(entries)
    assert len({p.slug for p in papers}) == len(papers)
    assert sum(len(p.sources) for p in papers) == len(entries)


def test_adding_other_papers_moves_no_slug():
    entries = [
        entry("Scaling Laws: A Study", "a.txt", 1, abstract=RAG),
        entry("Scaling Laws: A Study", "b.txt", 1, abstract=VIT),
    ]
    before = {p.abstract: p.slug for p in dedupe(entries)}
    after = {p.abstract: p.slug for p in dedupe([*entries, entry("Another Paper", "c.txt", 1, abstract=RAG)])}
    assert {a: after[a] for a in before} == before


# Issue 14: slugs are total, titles that differ in symbols or name nothing stay apart.


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("!!!", "e3b0c4"),  # e3b0c4: the hash of no words
        ("Über Transformers", "Uber Transformers 36c3c3"),  # 36c3c3: the hash "Über" adds to its slug
    ],
)
def test_titles_built_to_collide_get_distinct_slugs_and_the_one_that_spells_its_slug_keeps_it(a, b):
    papers = dedupe([entry(a, "a.txt", 1, abstract="First paper."), entry(b, "a.txt", 5, abstract="Second.")])
    assert len({p.slug for p in papers}) == 2
    assert {p.title: p.slug for p in papers}[b] == slugify(b)


def test_titles_that_differ_in_symbols_are_different_papers():
    cpp = entry("Learning C++ Programs With Transformers", "a.txt", 1, abstract=RAG)
    cs = entry("Learning C# Programs With Transformers", "a.txt", 5, abstract=VIT)
    warnings = []
    papers = dedupe([cpp, cs], warnings.append)
    assert sorted((p.title, p.abstract) for p in papers) == sorted([(cpp.title, RAG), (cs.title, VIT)])
    assert len({p.slug for p in papers}) == 2 and warnings == []


def test_titles_without_letters_or_digits_merge_only_when_their_abstracts_match():
    entries = [
        entry("?!?!...---", "a.txt", 1, abstract="One abstract."),
        entry("🚀🔥💯", "a.txt", 5, abstract="Another abstract."),
        entry("###", "a.txt", 9, abstract="A third."),
        entry("!!!", "a.txt", 13, abstract="A fourth."),
        entry("###", "b.txt", 1, abstract="A third"),  # a copy: the same words
        entry("###", "b.txt", 5, abstract="A fifth."),  # too short to tell apart by same_work, yet not a copy
    ]
    papers = dedupe(entries)
    assert sorted(len(p.sources) for p in papers) == [1, 1, 1, 1, 2]
    assert len({p.slug for p in papers}) == 5


ADVERSARIAL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["!!!", "###", "🚀", "C++", "C#", "C", "Über", "Uber", "index", "e3b0c4", "x" * 90]),
)


@given(st.lists(st.tuples(ADVERSARIAL, st.sampled_from(ABSTRACTS)), min_size=1, max_size=12), st.data())
def test_distinct_papers_always_get_distinct_stable_order_independent_slugs(rows, data):
    """Whatever the titles, even ones that spell another paper's slug (its hash included)."""
    entries = [entry(t or "?", "a.txt", i, abstract=a) for i, (t, a) in enumerate(rows)]
    before = dedupe(entries)
    echoes = sorted({p.slug for p in before})  # titles that spell the slugs papers got
    extra = data.draw(st.lists(st.sampled_from(echoes), max_size=4))
    entries += [entry(s.replace("-", " "), "b.txt", i, abstract=VIT) for i, s in enumerate(extra)]
    papers = dedupe(entries)
    after = {p.sources: p.slug for p in papers}
    for p in before:  # a title that spells its slug keeps it, whatever papers are added
        if p.slug == "-".join(p.key.split()) and p.sources in after:
            assert after[p.sources] == p.slug
    assert len({p.slug for p in papers}) == len(papers)
    assert sum(len(p.sources) for p in papers) == len(entries)
    shuffled = data.draw(st.permutations(entries))
    assert dedupe(shuffled) == papers
    assert all(SLUG.match(p.slug) for p in papers)
