"""The data between stages (generator/model.py): frozen records, where a source is shown, and the facts
derived one way for every page (newest first, a topic's broader topics)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.model import Diagnostic, Paper, Slug, Source, Topic, ancestors, newest_first, with_broader


def paper(title: str, date: dt.date | None = None, slug: str | None = None) -> Paper:
    return Paper(Slug(slug or title.lower()), title.casefold(), title, "", (Source("a.txt", 1),), date=date)


def topic(slug: str, parent: str | None = None) -> Topic:
    return Topic(Slug(slug), slug.title(), "", Slug(parent) if parent else None, ())


def test_records_are_frozen_and_derived_with_replace() -> None:
    first = paper("A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.title = "B"  # type: ignore[misc]
    assert dataclasses.replace(first, title="B").title == "B" and first.title == "A"


def test_a_source_is_named_by_file_for_messages_and_by_path_on_the_site() -> None:
    source = Source("/home/me/listings/a.txt", 4, "listings/a.txt")
    assert str(source) == "/home/me/listings/a.txt:4" and source.where == "listings/a.txt:4"
    assert Source("a.txt", 2).path == "a.txt"  # the path defaults to the file
    assert str(Diagnostic(Source("a.txt", 2), "no abstract")) == "a.txt:2: warning: no abstract"


def test_a_papers_listings_are_each_file_once_sorted() -> None:
    sources = (Source("/x/b.txt", 1, "b.txt"), Source("/x/a.txt", 5, "a.txt"), Source("/x/b.txt", 9, "b.txt"))
    assert dataclasses.replace(paper("A"), sources=sources).listings == ("a.txt", "b.txt")


def test_newest_first_puts_undated_papers_last_and_breaks_ties_by_title() -> None:
    papers = [
        paper("b", dt.date(2024, 1, 1)),
        paper("Undated"),
        paper("A", dt.date(2024, 1, 1)),
        paper("Old", dt.date(2020, 5, 1)),
        paper("New", dt.date(2025, 2, 1)),
        paper("also undated"),
    ]
    assert [p.title for p in newest_first(papers)] == ["New", "A", "b", "Old", "also undated", "Undated"]
    assert newest_first(reversed(papers)) == newest_first(papers)  # whatever the input order


def test_ancestors_and_with_broader_name_each_topic_once_nearest_first() -> None:
    topics = {t.slug: t for t in (topic("ml"), topic("llm", "ml"), topic("moe", "llm"), topic("vision"))}
    assert [t.slug for t in ancestors(topics[Slug("moe")], topics)] == ["llm", "ml"]
    assert ancestors(topics[Slug("ml")], topics) == []
    tags = [topics[Slug("moe")], topics[Slug("vision")], topics[Slug("llm")]]
    assert [t.slug for t in with_broader(tags, topics)] == ["moe", "llm", "ml", "vision"]
