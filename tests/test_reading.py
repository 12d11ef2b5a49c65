"""The reading list's data (generator/emit/reading.py): the exports of a paper, the build's list of papers,
the shards beside the previews'."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zlib

import pytest

from generator.emit import cite
from generator.emit.escape import spreadsheet_cell
from generator.emit.previews import FOLDER as PREVIEWS
from generator.emit.previews import INDEX, shard_of
from generator.emit.reading import CSV_COLUMNS, PAPERS, export, reading_files, slug_hash
from generator.model import Organisation, Paper, Slug, Source

from .golden import generate

SHARD = re.compile(r"^__readingShard\((\d+), (.*), (\[.*\])\)\n$", re.DOTALL)


def paper(**fields: object) -> Paper:
    values: dict[str, object] = {
        "slug": Slug("a-paper"),
        "title": "A Paper",
        "abstract": "We study things.",
        "sources": (Source("data/listings/a.txt", 3),),
    }
    values.update(fields)
    values.setdefault("key", str(values["title"]).casefold())
    return Paper(**values)  # type: ignore[arg-type]


def test_the_bibtex_entry_is_the_cite_blocks_with_the_sites_address_put_in() -> None:
    p = paper(date=dt.date(2024, 3, 1), authors=7, organisation=Organisation("openbmb", "OpenBMB", Slug("openbmb")))
    head, tail = export(p, ()).bibtex
    site = "https://example.org/lit/"
    assert head + site + tail == cite.bibtex(p, site + "papers/a-paper/")
    assert head.endswith("  url = {") and tail == "papers/a-paper/},\n}"


def test_a_title_that_spells_the_address_mark_is_kept() -> None:
    p = paper(title=f"url = {{{cite.SITE_URL} and {cite.SITE_URL}")
    head, tail = export(p, ()).bibtex
    assert head + "X/" + tail == cite.bibtex(p, "X/papers/a-paper/")


@pytest.mark.parametrize(
    ("title", "cell"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1", "'+1"), ("-x", "'-x"), ("@sum", "'@sum"), ("Plain", "Plain")],
)
def test_csv_cells_are_not_spreadsheet_formulas(title: str, cell: str) -> None:
    assert export(paper(title=title), ()).cells[1] == cell


def test_csv_cells_of_a_paper_with_no_date_authors_or_upvotes_are_empty() -> None:
    cells = export(paper(), ()).cells
    assert cells == ("a-paper", "A Paper", "", "", "", "", "")
    assert len(cells) == len(CSV_COLUMNS) - 2  # url and saved: added by the browser


def test_spreadsheet_cell() -> None:
    assert spreadsheet_cell(None) == "" and spreadsheet_cell(3) == 3 and spreadsheet_cell("\tx") == "'\tx"


@pytest.mark.parametrize("slug", ["", "a", "qlora-efficient-finetuning-of-quantized-llms"])
def test_slug_hash_is_crc_32_in_base_36(slug: str) -> None:
    assert int(slug_hash(Slug(slug)), 36) == zlib.crc32(slug.encode("ascii"))


def test_files_of_the_small_corpus() -> None:
    """Every paper is in the build's list and in the shard its preview is in, with its exports."""
    files = generate()
    records = json.loads(files["papers.json"])
    hashes = re.fullmatch(r'__readingPapers\("([0-9a-z ]*)"\)\n', files[PAPERS].decode())
    assert hashes, files[PAPERS][:80]
    assert hashes[1].split() == sorted(slug_hash(r["slug"]) for r in records)
    count = int(re.search(rb"\d+", files[INDEX])[0])  # type: ignore[index]
    shards = {}
    for number in range(count):
        match = SHARD.match(files[f"reading/{number}.js"].decode())
        assert match and int(match[1]) == number
        assert json.loads(match[3]) == list(CSV_COLUMNS)
        shards[number] = json.loads(match[2])
        preview = files[f"{PREVIEWS}/{number}.js"].decode()
        assert sorted(shards[number]) == sorted(re.findall(r'"([a-z0-9-]+)":\["', preview))
    for record in records:
        head, _tail, cells = shards[shard_of(record["slug"], count)][record["slug"]]
        assert head.startswith(f"@misc{{{record['slug']},")
        assert cells[:2] == [record["slug"], record["title"]] and cells[6] == "; ".join(record["tags"])
    row = next(csv.reader(io.StringIO(files["papers.csv"].decode())))
    assert set(CSV_COLUMNS) - {"saved"} <= set(row), "a column named as in papers.csv means what it does there"


def test_files_do_not_depend_on_the_order_of_the_papers() -> None:
    from generator import pipeline
    from tests.golden import CORPUS, TOPICS

    corpus = pipeline.load_corpus(CORPUS, TOPICS)
    backwards = type(corpus)(**{**corpus.__dict__, "papers": tuple(reversed(corpus.papers))})
    assert reading_files(backwards) == reading_files(corpus)
