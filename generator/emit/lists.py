"""Lists of papers as HTML blocks: what a researcher scans on topic, organisation, timeline and home pages.

Each item shows the title (a link to the paper's page), the date or "undated", upvotes when known,
the paper's topics as chips (links to the topic pages) and the abstract's first sentence. Its data
attributes (``data-date``, ``data-upvotes``, ``data-topics``) let the site's script
(``overrides/assets/javascripts/paper-lists.js``) reorder and filter a topic page's list in the
browser; without the script the list shows in the order written.

Links are written for the hosted build's folder URLs (``to_root`` leads from the page to the site's
root); the offline site's links are mapped from them (``generator/emit/addresses.py``). Each
paper's item is written once per ``to_root`` and reused by every list that shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..model import Paper, Slug, Topic, newest_first, with_broader
from .escape import html_text
from .facts import plural

SENTENCE_LIMIT = 220
"""The most characters of an abstract's first sentence a list shows; a longer one is cut at a word, with …"""

LIST_LIMIT = 100
"""A long list shows the papers first in any of its orders (relevance, newest, most upvoted): this
many of each, so every order's first ``LIST_LIMIT`` are right, and the page stays light at 10k papers.
The rest are found with the search box's ``topic:`` and ``year:`` terms, which the page names."""

TOPIC_ORDERS = (("relevance", "Relevance to this topic"), ("newest", "Newest first"), ("upvotes", "Most upvoted"))
"""The orders of a topic's list (its page writes it most relevant first); the values are the
orders of the site's script (``assets/javascripts/paper-lists.js``)."""

ORGANISATION_ORDERS = (("newest", "Newest first"), ("upvotes", "Most upvoted"))
"""The orders of an organisation's list (its page writes it newest first)."""

# Words after which a full stop does not end a sentence: Latin and English abbreviations, and
# references to parts of a paper followed by their number ("Fig. 2", "Eq. 3").
# fmt: off
_ABBREVIATIONS = frozenset({
    "al", "approx", "appx", "cf", "ch", "co", "dr", "eq", "eqs", "fig", "figs", "inc", "jr", "ltd", "mr", "mrs",
    "ms", "no", "nos", "pp", "prof", "ref", "refs", "resp", "sec", "secs", "sr", "st", "tab", "vol", "vs", "viz",
})
# fmt: on
_END = re.compile(r"[.!?][\"')\]”’]*\s+(?=[\"'(\[“‘]*[A-Z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff])")
"""A possible end of a sentence: a stop, closing quotes or brackets, space, then (after opening ones)
a capital letter or a digit."""
_INITIALS = re.compile(r"(?:\w\.)+\w")
"""``e.g``, ``i.e``, ``U.S`` (before their last stop): letters each followed by a stop."""


def first_sentence(text: str, limit: int = SENTENCE_LIMIT) -> str:
    """The first sentence of an abstract, on one line, at most ``limit`` characters (cut at a word, ``…``).

    A stop ends the sentence only before a capital letter or a digit, and not after an abbreviation
    (``e.g.``, ``i.e.``, ``et al.``, ``vs.``, ``Fig. 2``, ``U.S.``); decimals (``3.5``) have no space
    after the stop. A single capital before a stop ends a sentence ("a model X. We ..."): abstracts
    name methods so more often than they give initials.
    """
    # Only the start matters: the end is looked for in a prefix that holds more than the limit
    # unless most of it is white space, and white space is collapsed in the sentence alone.
    window = text[: 4 * limit]
    end = len(window)
    for match in _END.finditer(window):
        stop = match.start()
        if window[stop] == ".":
            words = window[max(0, stop - 16) : stop].split()
            before = words[-1].lstrip("\"'([“‘").casefold() if words else ""
            if before in _ABBREVIATIONS or _INITIALS.fullmatch(before):
                continue
        end = match.end()
        break
    sentence = " ".join(window[:end].split())
    if end == len(window) < len(text) and len(sentence) <= limit:  # a prefix of mostly white space
        return first_sentence(" ".join(text.split()), limit)
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:–—-(") + "…"


def date_label(date: dt.date) -> str:
    """A date as the site shows it: ``Mar 1, 2024``."""
    return f"{date:%b} {date.day}, {date.year}"


@dataclass(frozen=True)
class Chosen:
    """The papers a list shows, in the order written, and how many it stands for."""

    papers: tuple[Paper, ...]
    """The papers shown, in the list's order."""
    total: int
    """How many papers the list stands for (more than shown when it is capped)."""


def capped(ordered: Sequence[Paper], limit: int = LIST_LIMIT) -> Chosen:
    """``ordered`` (by relevance), or when it is longer than ``limit``: the first ``limit`` of it, of
    its newest and of its most upvoted, each once, in the order of ``ordered``."""
    if len(ordered) <= limit:
        return Chosen(tuple(ordered), len(ordered))
    keep = {p.slug for p in ordered[:limit]}
    keep.update(p.slug for p in newest_first(ordered)[:limit])
    keep.update(p.slug for p in most_upvoted(ordered)[:limit])
    return Chosen(tuple(p for p in ordered if p.slug in keep), len(ordered))


def most_upvoted(papers: Iterable[Paper]) -> list[Paper]:
    """Papers with upvotes, most first, ties newest first (then by title)."""
    newest = newest_first(papers)
    order = {p.slug: i for i, p in enumerate(newest)}
    return sorted((p for p in newest if p.upvotes), key=lambda p: (-(p.upvotes or 0), order[p.slug]))


def by_relevance(papers: Iterable[Paper], topic: Slug, relevance: Mapping[Slug, Mapping[Slug, float]]) -> list[Paper]:
    """Papers most relevant to ``topic`` first, ties newest first (then by title)."""
    newest = newest_first(papers)
    order = {p.slug: i for i, p in enumerate(newest)}
    return sorted(newest, key=lambda p: (-relevance.get(p.slug, {}).get(topic, 0.0), order[p.slug]))


class PaperLists:
    """Writes lists of papers for one corpus, each paper's item once per place in the site."""

    def __init__(self, topics: Mapping[Slug, Topic], paper_topics: Mapping[Slug, tuple[Slug, ...]]) -> None:
        self.topics = topics
        self.paper_topics = paper_topics
        self._items: dict[tuple[Slug, str], str] = {}

    def item(self, paper: Paper, to_root: str) -> str:
        """One paper as a list item: title, date, upvotes, topic chips, first sentence."""
        key = (paper.slug, to_root)
        found = self._items.get(key)
        if found is not None:
            return found
        tags = [self.topics[t] for t in self.paper_topics.get(paper.slug, ())]
        family = " ".join(t.slug for t in with_broader(tags, self.topics))
        attributes = f' data-topics="{family}"'
        if paper.date:
            attributes += f' data-date="{paper.date.isoformat()}"'
            when = f'<time datetime="{paper.date.isoformat()}">{date_label(paper.date)}</time>'
        else:
            when = '<span class="paper-list__undated">undated</span>'
        if paper.upvotes:
            attributes += f' data-upvotes="{paper.upvotes}"'
            when += f" · {plural(paper.upvotes, 'upvote')}"
        chips = "".join(f'<a href="{to_root}topics/{t.slug}/" class="md-tag">{html_text(t.name)}</a>' for t in tags)
        sentence = first_sentence(paper.abstract)
        found = (
            f'<li{attributes}><a class="paper-list__title" href="{to_root}papers/{paper.slug}/">'
            f"{html_text(paper.title)}</a>"
            f'<span class="paper-list__meta">{when}</span>'
            f'<span class="paper-list__topics">{chips}</span>'
            + (f'<span class="paper-list__summary">{html_text(sentence)}</span>' if sentence else "")
            + "</li>"
        )
        self._items[key] = found
        return found

    def html(self, papers: Iterable[Paper], to_root: str, list_id: str = "") -> str:
        """Papers as an HTML list (one block of raw HTML in the Markdown page, no blank line inside)."""
        items = "\n".join(self.item(p, to_root) for p in papers)
        identity = f' id="{list_id}"' if list_id else ""
        return f'<ul class="paper-list"{identity}>\n{items}\n</ul>'

    def controls(
        self,
        list_id: str,
        orders: Sequence[tuple[str, str]],
        topics: Sequence[Topic],
        years: Sequence[int],
        undated: bool,
        topic_label: str = "Narrower topic",
    ) -> str:
        """The menus that order and filter a list (a topic's or an organisation's page), hidden until
        the site's script shows them: ``orders`` (value, label; the first is the order written, see
        :data:`TOPIC_ORDERS`), a menu of ``topics`` when there are any, and of ``years``."""
        options = "".join(f'<option value="{value}">{label}</option>' for value, label in orders)
        menus = [f'<label>Order <select name="order">{options}</select></label>']
        if topics:
            options = "".join(f'<option value="{t.slug}">{html_text(t.name)}</option>' for t in topics)
            menus.append(
                f'<label>{topic_label} <select name="topic"><option value="">All</option>{options}</select></label>'
            )
        if years:
            options = "".join(f'<option value="{y}">{y}</option>' for y in sorted(years, reverse=True))
            options += '<option value="undated">Undated</option>' if undated else ""
            menus.append(
                f'<label>Year <select name="year"><option value="">All years</option>{options}</select></label>'
            )
        return (
            f'<form class="paper-list-controls" data-list="{list_id}" hidden>'
            + "".join(menus)
            + '<output class="paper-list-controls__status" aria-live="polite"></output></form>'
        )
