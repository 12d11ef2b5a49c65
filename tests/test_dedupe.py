"""Deduplication: identity, merged metadata, every source kept, order independence."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from generator.clean import clean_entry
from generator.dedupe import dedupe
from generator.model import Entry, Organisation, Source
from generator.read import decode, find_listings, load_listing_info, read_listing

LISTINGS = Path(__file__).parent.parent / "data" / "listings"


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
