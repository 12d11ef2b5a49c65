"""Properties of the reader (generator/read.py), with generated listings: every paper read back exactly
once, in any order."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Entry, Organisation, Source
from generator.read import (
    CHROME,
    ListingInfo,
    decode,
    late_dates,
    read_listing,
    read_paths,
    reads_like_abstract,
    site_names,
)

YEAR = 2025
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Letters, digits, punctuation and some Unicode a copied listing holds, including the metadata marks.
ALPHABET = st.one_of(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    st.sampled_from(".,:;!?()[]{}-–—'\"/&%+*=<>#$_~^|@`\\•·"),
    st.sampled_from("éüñßøçαβγλΣΩ中文日本語한국어עבריתالعربية😀∑√∞≤≥→"),
    st.characters(categories=["L", "N", "P", "S"], max_codepoint=0xFFFF),
)
WORD = st.text(ALPHABET, min_size=1, max_size=12)
FIRST = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ÉÜΑΣ"), min_size=1, max_size=1)

_DATE_LIKE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}(, \d{4})?( \d+)?$")
_AUTHORS_LIKE = re.compile(r"^•\s*\d+ authors?$")


def can_be_text(line: str) -> bool:
    """Lines a listing page can show as a title or an abstract (not chrome, not a metadata line)."""
    return line not in CHROME and line != "·" and not _DATE_LIKE.match(line) and not _AUTHORS_LIKE.match(line)


TITLE = (
    st.tuples(FIRST, st.lists(WORD, min_size=1, max_size=15))
    .map(lambda t: t[0] + " ".join(t[1]))
    .filter(lambda t: len(t) <= 200 and can_be_text(t) and not t.startswith("Subscribe"))
)
ABSTRACT = st.lists(WORD, min_size=1, max_size=120).map(" ".join).filter(can_be_text)
HANDLE = st.from_regex(r"[a-z][a-z0-9-]{1,15}", fullmatch=True)
ORGANISATION = st.tuples(HANDLE, st.lists(WORD, max_size=4).map(" ".join)).map(
    lambda o: Organisation(o[0], o[1] or o[0])
)
DATE = st.one_of(
    st.tuples(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), st.just(True)),
    st.tuples(st.dates(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)), st.just(False)),  # shown without its year
)


@dataclass(frozen=True)
class Paper:
    """What a generated listing shows for one paper."""

    title: str
    abstract: str
    authors: int | None = None
    organisation: Organisation | None = None
    date: dt.date | None = None
    full_date: bool = True
    upvotes: int | None = None


PLAIN = st.builds(Paper, TITLE, ABSTRACT)
WITH_METADATA = st.one_of(
    st.builds(Paper, TITLE, ABSTRACT),
    st.builds(
        lambda title, abstract, authors, date, upvotes: Paper(
            title, abstract, authors=authors, date=date[0], full_date=date[1], upvotes=upvotes
        ),
        TITLE,
        ABSTRACT,
        st.integers(1, 3000),
        DATE,
        st.none() | st.integers(0, 9999),
    ),
    st.builds(
        lambda title, abstract, organisation, date, upvotes: Paper(
            title, abstract, organisation=organisation, date=date[0], full_date=date[1], upvotes=upvotes
        ),
        TITLE,
        ABSTRACT,
        ORGANISATION,
        DATE,
        st.none() | st.integers(0, 9999),
    ),
    st.builds(
        lambda title, abstract, date: Paper(title, abstract, date=date[0], full_date=True), TITLE, ABSTRACT, DATE
    ),
)
BLANK = st.sampled_from(["", "", "", "   ", "\t", "\u00a0"])


def metadata_lines(paper: Paper) -> list[str]:
    lines = []
    if paper.authors is not None:
        lines += [f"  • {paper.authors} authors", "·"]
    if paper.organisation is not None:
        organisation = paper.organisation
        shown = organisation.handle if organisation.name == organisation.handle else organisation.name
        lines += [f"{organisation.handle} {shown}".strip(), "·"]
    if paper.date is not None:
        date = f"{MONTHS[paper.date.month - 1]} {paper.date.day}"
        date += f", {paper.date.year}" if paper.full_date else ""
        lines.append(date + (f" {paper.upvotes}" if paper.upvotes is not None else ""))
    return lines


Tag = tuple[str, int] | None
"""What a generated line is: ("title", paper index), ("abstract", paper index) or None (anything else)."""


@st.composite
def tagged_lines(draw: st.DrawFn, plain: st.SearchStrategy[Paper], with_metadata: st.SearchStrategy[Paper]):
    """A listing in one of the three layouts, line by line with what each line is; and its papers."""
    layout = draw(st.sampled_from(["blocks", "metadata", "compact"]))
    papers = draw(st.lists(with_metadata if layout == "metadata" else plain, min_size=1, max_size=12))
    lines: list[tuple[str, Tag]] = []
    if layout == "compact":
        lines += [("Get trending papers in your email inbox once a day!", None)]
        lines += [("Get trending papers in your email inbox!", None)]
        for index, paper in enumerate(papers):
            lines += [(("Subscribe" if index == 0 else "") + paper.title, ("title", index))]
            lines += [(paper.abstract, ("abstract", index))]
    else:
        for chrome in ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "Oct 29"]:
            lines += [(chrome, None), (draw(BLANK), None)]
        for index, paper in enumerate(papers):
            lines += [(paper.title, ("title", index)), (draw(BLANK), None)]
            lines += [(paper.abstract, ("abstract", index)), (draw(BLANK), None)]
            if layout == "metadata" and (meta := metadata_lines(paper)):
                lines += [(line, None) for line in [*meta, draw(BLANK)]]
            lines += [(draw(BLANK), None)] * draw(st.integers(0, 2))
    return lines, papers


def title_lines(lines: list[tuple[str, Tag]], count: int) -> list[int]:
    """The 1-based line of each paper's title."""
    where = {tag[1]: number for number, (_, tag) in enumerate(lines, 1) if tag and tag[0] == "title"}
    return [where[index] for index in range(count)]


@st.composite
def listings(draw: st.DrawFn) -> tuple[str, list[Paper], list[int]]:
    """A listing in one of the three layouts: its text, its papers and the line of each title."""
    lines, papers = draw(tagged_lines(PLAIN, WITH_METADATA))
    text = "\n".join(line for line, _ in lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    return text, papers, title_lines(lines, len(papers))


def expected_entries(papers: list[Paper], numbers: list[int], name: str, site_name: str | None = None) -> list[Entry]:
    return [
        Entry(
            title=p.title,
            abstract=p.abstract,
            source=Source(name, line, site_name or name),
            authors=p.authors,
            date=p.date,
            upvotes=p.upvotes,
            organisation=p.organisation,
        )
        for p, line in zip(papers, numbers, strict=True)
    ]


def encode(text: str, crlf: bool, bom: bool) -> bytes:
    return ("\ufeff" if bom else "").encode() + (text.replace("\n", "\r\n") if crlf else text).encode()


@settings(max_examples=300, deadline=None)
@given(listings(), st.booleans(), st.booleans())
def test_every_paper_is_read_back_exactly_once_with_its_metadata(listing, crlf, bom):
    text, papers, numbers = listing
    read = read_listing(decode(encode(text, crlf, bom), "x.txt"), "x.txt", ListingInfo(year=YEAR))
    assert read.diagnostics == []
    assert read.entries == expected_entries(papers, numbers, "x.txt")


@settings(max_examples=50, deadline=None)
@given(st.lists(listings(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_reading_is_independent_of_the_order_the_files_are_given(generated, random):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        expected = []
        for index, (text, papers, numbers) in enumerate(generated):
            path = root / ("sub" if index % 2 else "") / f"listing-{index}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            expected.append((path.resolve(), papers, numbers))
        (root / "listings.yml").write_text(
            "".join(f"listing-{i}.txt:\n  year: {YEAR}\n" for i in range(len(generated))), encoding="utf-8"
        )
        (root / "sub" / "listings.yml").parent.mkdir(exist_ok=True)
        (root / "sub" / "listings.yml").write_text((root / "listings.yml").read_text(), encoding="utf-8")
        files = [path for path, _, _ in expected]
        shuffled = files[:]
        random.shuffle(shuffled)
        by_folder = read_paths([root])
        by_files = read_paths(shuffled)
        by_both = read_paths([*reversed(files), root / "sub", root])
        assert by_files.entries == by_folder.entries == by_both.entries
        # Dates that stand far after every other one are slips (test_input_faults tests the rule).
        late = late_dates(p.date for _, papers, _ in expected for p in papers if p.date)
        assert by_files.diagnostics == by_folder.diagnostics
        assert all("is more than a year after every other date" in d.message for d in by_folder.diagnostics)
        assert len(by_folder.diagnostics) == sum(p.date in late for _, papers, _ in expected for p in papers)
        site = site_names(files, [root])
        want = [
            replace(e, date=None) if e.date in late else e
            for path, papers, numbers in sorted(expected)
            for e in expected_entries(papers, numbers, path.as_posix(), site[path])
        ]
        assert sorted(by_folder.entries, key=repr) == sorted(want, key=repr)


# Realistic titles (short, no sentence breaks) and abstracts (sentences that read like an abstract, as every
# abstract in the bundled listings does): one line goes missing.
LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzéüñαβ-")
CAPITAL = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ÉΣ")
TITLE_WORD = st.tuples(CAPITAL, st.text(LETTERS, max_size=10)).map("".join)
REAL_TITLE = (
    st.lists(TITLE_WORD, min_size=2, max_size=14)
    .map(" ".join)
    .filter(lambda t: can_be_text(t) and not t.startswith("Subscribe"))
)
WORDS = (
    "we propose a model for language tasks that learns to attend over long contexts with sparse experts and "
    "improves accuracy on reasoning benchmarks while using fewer parameters; the résumé of naïve α-β results "
    "shows e.g. 3.5% gains (see https://github.com/x/y) in zero-shot settings"
)
VOCABULARY = st.sampled_from(WORDS.split())
SENTENCE = st.tuples(CAPITAL, st.lists(VOCABULARY, min_size=6, max_size=20)).map(lambda s: s[0] + " ".join(s[1]) + ".")
REAL_ABSTRACT = st.lists(SENTENCE, min_size=4, max_size=8).map(" ".join).filter(reads_like_abstract)  # all real ones do
REAL_WITH_METADATA = st.builds(
    lambda title, abstract, authors, date: Paper(title, abstract, authors=authors, date=date[0], full_date=date[1]),
    REAL_TITLE,
    REAL_ABSTRACT,
    st.integers(1, 50),
    DATE,
)


@settings(max_examples=300, deadline=None)
@given(tagged_lines(st.builds(Paper, REAL_TITLE, REAL_ABSTRACT), REAL_WITH_METADATA), st.data())
def test_a_missing_title_or_abstract_costs_one_paper_and_one_warning_never_a_shift(generated, data):
    lines, papers = generated
    damaged = data.draw(st.integers(0, len(papers) - 1), label="paper")
    kind = data.draw(st.sampled_from(["title", "abstract"]), label="missing")
    index = next(i for i, (_, tag) in enumerate(lines) if tag == (kind, damaged))
    if lines[index][0].startswith("Subscribe"):
        lines[index] = ("Subscribe", None)  # the compact layout's first title is glued to the button
    else:
        del lines[index]
    other = "abstract" if kind == "title" else "title"
    left_line = next(n for n, (_, tag) in enumerate(lines, 1) if tag == (other, damaged))
    read = read_listing("\n".join(line for line, _ in lines), "x.txt", ListingInfo(year=YEAR))
    kept = [i for i in range(len(papers)) if i != damaged]
    numbers = title_lines(lines, len(papers)) if kind == "abstract" else None
    want = [
        Entry(
            title=papers[i].title,
            abstract=papers[i].abstract,
            source=Source("x.txt", numbers[i] if numbers else _title_line(lines, i)),
            authors=papers[i].authors,
            date=papers[i].date,
        )
        for i in kept
    ]
    assert read.entries == want
    warnings = [d for d in read.diagnostics if kept or not d.message.startswith("no papers found")]
    assert [w.source.line for w in warnings] == [left_line]


def _title_line(lines: list[tuple[str, Tag]], index: int) -> int:
    return next(n for n, (_, tag) in enumerate(lines, 1) if tag == ("title", index))
