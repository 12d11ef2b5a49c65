"""The reading list's data: what the site's script needs to export saved papers and to tell which
papers are new since a reader's previous visit.

The reading list lives in the reader's browser only (``localStorage``), written and read by
``overrides/assets/javascripts/reading-list.js``; the site ships two kinds of small scripts for it,
loaded as ``<script>`` elements (``fetch()`` is refused from ``file://``):

- ``reading/papers.js`` calls ``__readingPapers("...")`` with every paper of the build as the
  CRC-32 of its slug (:func:`previews.shard_of`'s hash) in base 36, sorted, space-separated: about
  7 bytes a paper. The home and topic pages compare it with the one a reader's browser kept from
  the previous visit (the rule is in the README and in the script).
- ``reading/<n>.js`` calls ``__readingShard(n, {slug: [head, tail, cells], ...}, columns)`` for the
  papers of preview shard ``n`` (the same shards, :func:`previews.shard_of`): the paper's BibTeX
  entry as its page's "Cite" block shows it (:func:`cite.bibtex`), cut where the site's address
  goes, and its row of the exported CSV (``columns``, :data:`CSV_COLUMNS`, but the last two, which
  the browser adds). Only the Reading list page loads them, and only the shards of saved papers.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Corpus, Paper, Slug, Topic
from . import cite
from .escape import spreadsheet_cell
from .previews import script_literal, shard_count, shard_of

FOLDER = "reading"
"""Where the reading list's files go in docs/ (and so in both sites)."""

PAPERS = f"{FOLDER}/papers.js"
"""The file that names every paper of the build (by the hash of its slug)."""

URL_MARK = cite.SITE_URL
"""Where the site's address goes in a BibTeX entry (right after ``url = {``): the shards hold the
entry cut there, and the script puts the hosted site's address between, as the paper page's
citation has it."""

CSV_COLUMNS = ("slug", "title", "date", "authors", "upvotes", "organisation", "tags", "url", "saved")
"""The exported CSV's columns: as in papers.csv where they share a name, but ``url`` is the paper's
full address on the hosted site and ``saved`` when the reader saved it (ISO 8601, UTC)."""


@dataclass(frozen=True)
class Export:
    """What the Reading list exports of one paper."""

    bibtex: tuple[str, str]
    """Its BibTeX entry before and after the site's address (the paper's ``url`` field starts with it)."""
    cells: tuple[str, ...]
    """Its CSV cells of ``CSV_COLUMNS`` but ``url`` and ``saved``, safe from spreadsheet formulas."""


def slug_hash(slug: Slug) -> str:
    """A paper's name in ``reading/papers.js``: the CRC-32 of its slug in base 36 (what the script
    computes with ``previews.js``'s CRC-32)."""
    return _base36(zlib.crc32(slug.encode("ascii")))


def export(paper: Paper, topics: Sequence[Topic]) -> Export:
    """The export of one paper; ``topics`` are its topics, most specific first."""
    cells = (
        paper.slug,
        paper.title,
        paper.date.isoformat() if paper.date else None,
        paper.authors,
        paper.upvotes,
        paper.organisation.name if paper.organisation else None,
        "; ".join(t.name for t in topics),
    )
    head, mark, tail = cite.bibtex(paper, f"{URL_MARK}papers/{paper.slug}/").rpartition(f"url = {{{URL_MARK}")
    return Export(
        bibtex=(head + mark[: -len(URL_MARK)], tail),
        cells=tuple(str(spreadsheet_cell(cell)) for cell in cells),
    )


def reading_files(corpus: Corpus) -> dict[str, bytes]:
    """The reading list's files (path under docs/ -> bytes): ``reading/papers.js`` and a shard for
    every preview shard, empty ones included; the same bytes whatever the order of the papers."""
    topics: Mapping[Slug, Topic] = {t.slug: t for t in corpus.topics}
    papers = sorted(corpus.papers, key=lambda p: p.slug)
    count = shard_count(len(papers))
    shards: list[dict[str, list[object]]] = [{} for _ in range(count)]
    for paper in papers:
        found = export(paper, [topics[t] for t in corpus.paper_topics.get(paper.slug, ())])
        shards[shard_of(paper.slug, count)][paper.slug] = [*found.bibtex, list(found.cells)]
    hashes = " ".join(sorted(slug_hash(p.slug) for p in papers))
    columns = script_literal(list(CSV_COLUMNS))
    files = {PAPERS: f'__readingPapers("{hashes}")\n'.encode()}
    for number, shard in enumerate(shards):
        files[f"{FOLDER}/{number}.js"] = f"__readingShard({number}, {script_literal(shard)}, {columns})\n".encode()
    return files


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = digits[digit] + out
        if not number:
            return out
