"""Hover previews of papers: the data the site's preview script shows (title, date, topics, first sentence).

The script (``overrides/assets/javascripts/previews.js``) runs on every page and, when a link to a
paper is hovered, focused from the keyboard or its preview button tapped, loads the data of that
paper as a ``<script>``: browsers refuse ``fetch()`` from ``file://``, and a script works on both
sites. The data are split into shards, so a page loads a few kilobytes, not the whole collection:

- ``previews/index.js`` calls ``__previewShards(N)``: how many shards there are;
- ``previews/<n>.js`` (``n`` from 0 to N - 1) calls ``__previewShard(n, {slug: [title, date, topics,
  sentence], ...})`` with the papers whose slug hashes to ``n`` (:func:`shard_of`, CRC-32, which the
  script computes the same way), sorted by slug. ``date`` is the label pages show, or ``""`` when the
  paper has none (the script says "undated").

Text goes into the files as JSON string literals and the script puts it into the page with
``textContent``: a title holding ``<script>`` or ``&`` shows as written.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import Corpus, Slug
from .lists import first_sentence

FOLDER = "previews"
"""Where the preview files go in docs/ (and so in both sites)."""

INDEX = f"{FOLDER}/index.js"
"""The file that says how many shards there are."""

PER_SHARD = 64
"""At most this many papers per shard on average (between half and all of it: the count of
shards is a power of two). About 400 bytes a paper: 13 to 26 KB a shard."""


@dataclass(frozen=True)
class Preview:
    """What a paper's preview shows."""

    title: str
    """The title, as the paper's page shows it."""
    date: str
    """The date as pages show it (``Aug 5, 2022``), or empty for an undated paper."""
    topics: tuple[str, ...]
    """The names of its topics, most specific first."""
    sentence: str
    """The abstract's first sentence (:func:`first_sentence`)."""


def shard_count(papers: int) -> int:
    """How many shards hold the previews of ``papers`` papers: the smallest power of two that keeps
    the average at or under ``PER_SHARD``."""
    count = 1
    while count * PER_SHARD < papers:
        count *= 2
    return count


def shard_of(slug: Slug, shards: int) -> int:
    """The shard of a paper: the CRC-32 of its slug (ASCII) modulo ``shards``.

    ``previews.js`` (``shardOf``) computes the same; CRC-32 (zlib's, as in gzip and PNG) is checked
    against its published values. It spreads the slugs of a collection as evenly as FNV-1a does, and
    zlib computes it in C: 3 ms for 10,000 slugs, against 100 ms for FNV-1a written in Python.
    """
    return zlib.crc32(slug.encode("ascii")) % shards


def previews(corpus: Corpus, date_label: Callable[[dt.date], str]) -> dict[Slug, Preview]:
    """The preview of every paper, by slug; ``date_label`` writes a date as pages show it."""
    names = {t.slug: t.name for t in corpus.topics}
    return {
        p.slug: Preview(
            title=p.title,
            date=date_label(p.date) if p.date else "",
            topics=tuple(names[t] for t in corpus.paper_topics.get(p.slug, ())),
            sentence=first_sentence(p.abstract),
        )
        for p in corpus.papers
    }


def shard_files(found: Mapping[Slug, Preview]) -> dict[str, bytes]:
    """The preview files (path under docs/ -> bytes): the index and every shard, empty ones included
    (the script may ask for any); the same bytes whatever the order of ``found``."""
    count = shard_count(len(found))
    shards: list[dict[str, list[object]]] = [{} for _ in range(count)]
    for slug in sorted(found):
        p = found[slug]
        shards[shard_of(slug, count)][slug] = [p.title, p.date, list(p.topics), p.sentence]
    files = {INDEX: f"__previewShards({count})\n".encode()}
    for number, shard in enumerate(shards):
        files[f"{FOLDER}/{number}.js"] = f"__previewShard({number}, {script_literal(shard)})\n".encode()
    return files


def preview_files(corpus: Corpus, date_label: Callable[[dt.date], str]) -> dict[str, bytes]:
    """The preview files of a corpus (:func:`shard_files` of :func:`previews`)."""
    return shard_files(previews(corpus, date_label))


def script_literal(value: object) -> str:
    """JSON that is also a JavaScript literal in any browser: U+2028 and U+2029 escaped (raw, they
    end a line in JavaScript before ES2019)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
