"""Bad input never breaks the site: each input fault is a warning or an error naming file and line."""

from __future__ import annotations

import html
import json
import random
import re
import signal
import tracemalloc
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.clean import ABSTRACT_LIMIT, clean_entries, clean_entry, extract_links
from generator.errors import InputError
from generator.model import Entry, Source
from generator.read import (
    Listing,
    ListingInfo,
    Note,
    decode,
    display_path,
    find_listings,
    gather_listings,
    load_listing_info,
    read_listing,
    read_paths,
    reads_like_abstract,
)
from tests.conftest import FIXTURES, copy_project, run_generator

FAULTS = FIXTURES / "faults"
GOOD = FIXTURES / "layout-blocks.txt"


def read_fault(name: str) -> Listing:
    path = FAULTS / name
    return read_listing(decode(path.read_bytes(), name), name, ListingInfo(year=2025))


def project_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A project copy whose data/listings holds the good fixture plus ``files``."""
    project = copy_project(tmp_path / "p", GOOD)
    for name, data in files.items():
        path = project / "data" / "listings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return project


# Empty files -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("\n\n  \n", "the file is empty"),
        ("new\n\nSubscribe\n\nDaily Papers\n\nOct 29\n", "only page chrome"),
        ("A Lonely Title\n", "no title is followed by an abstract"),
    ],
)
def test_a_listing_without_papers_is_a_warning_on_line_1(text, reason):
    listing = read_listing(text, "empty.txt")
    assert listing.entries == []
    found = [d for d in listing.diagnostics if "no papers found" in d.message]
    assert len(found) == 1 and found[0].source == Source("empty.txt", 1) and reason in found[0].message


def test_an_empty_file_beside_good_ones_warns_and_strict_exits_1(tmp_path):
    project = project_with(tmp_path, {"empty.txt": b""})
    result = run_generator(project, "check")
    assert result.returncode == 0, result.stderr
    assert "data/listings/empty.txt:1: warning: no papers found (the file is empty)" in result.stderr
    assert "2 entries read" in result.stderr and "1 warning," in result.stderr
    assert run_generator(project, "check", "--strict").returncode == 1


def test_input_with_no_papers_at_all_is_an_error_and_builds_nothing(tmp_path):
    project = copy_project(tmp_path / "p", GOOD)
    (project / "data" / "listings" / "layout-blocks.txt").write_bytes(b"")
    result = run_generator(project, "build", "--no-site")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error: data/listings/layout-blocks.txt: no papers found (the file is empty)" in result.stderr
    assert "nothing was changed" in result.stderr
    assert not (project / "docs").exists()
    empty_folder = tmp_path / "none"
    empty_folder.mkdir()
    result = run_generator(project, "check", str(empty_folder))
    assert result.returncode == 2 and "no listing files (*.txt) found" in result.stderr


# Encodings and line ends ---------------------------------------------------------------------------


def test_binary_file_is_an_error_naming_file_line_and_byte_offset(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    project = project_with(tmp_path, {"photo.txt": png})
    result = run_generator(project, "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        "\nerror: data/listings/photo.txt:3: a zero byte at byte offset 8: this looks like a binary file "
        "(an image, PDF or document?), not a text listing; save listings as UTF-8 text, or remove the file"
    ) in result.stderr
    report = json.loads(run_generator(project, "check", "--json", "-q").stdout)
    assert report["ok"] is False and report["kind"] == "InputError"
    assert (report["file"], report["line"], report["offset"]) == ("data/listings/photo.txt", 3, 8)


def test_utf16_is_read_with_a_byte_order_mark_and_named_without_one():
    text = "Title One\r\n\r\nAbstract one.\r\n"
    for encoding in ("utf-16", "utf-16-be"):  # utf-16 writes a BOM
        data = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
        (entry,) = read_listing(decode(data, "u.txt"), "u.txt").entries
        assert (entry.title, entry.abstract) == ("Title One", "Abstract one.")
    with pytest.raises(InputError, match="UTF-16 text without a byte-order mark") as caught:
        decode(text.encode("utf-16-le"), "u.txt")
    assert caught.value.offset == 1 and caught.value.line == 1


def test_windows_1252_is_an_error_with_line_and_byte_offset_not_a_guess():
    data = "Title One\n\nAbstract with “curly quotes” and café.\n".encode("cp1252")
    with pytest.raises(InputError) as caught:
        decode(data, "latin.txt")
    error = caught.value
    assert (error.file, error.line, error.offset) == ("latin.txt", 3, 25)
    assert str(error).startswith("latin.txt:3: not valid UTF-8 at byte offset 25 (byte 0x93)")
    assert "save it as UTF-8" in str(error) and "iconv -f windows-1252 -t utf-8" in str(error)


def test_not_utf8_cli_error_and_json_report(tmp_path):
    project = project_with(tmp_path, {"latin.txt": "Titre\n\nRésumé.\n".encode("latin-1")})
    result = run_generator(project, "check", "--json", "-q")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error: data/listings/latin.txt:3: not valid UTF-8 at byte offset 8 (byte 0xe9)" in result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["file"] == "data/listings/latin.txt"
    assert (report["line"], report["offset"]) == (3, 8) and "not valid UTF-8" in report["message"]


def test_byte_order_mark_crlf_and_lone_cr_read_like_plain_text_with_editor_line_numbers():
    text = decode("\ufeffTitle One\r\n\r\nAbstract one.\r\n\r\nTitle Two\rAbstract two.\r".encode(), "crlf.txt")
    entries = read_listing(text, "crlf.txt").entries
    assert [(e.title, e.abstract, e.source.line) for e in entries] == [
        ("Title One", "Abstract one.", 1),
        ("Title Two", "Abstract two.", 5),
    ]


def test_form_feeds_and_unicode_line_separators_do_not_split_a_paper():
    separators = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    text = f"Title{separators}One\n\nAbstract{separators}one.\n\nTitle Two\n\nAbstract two.\n"
    listing = read_listing(text, "sep.txt")
    assert [(e.title, e.source.line) for e in listing.entries] == [(f"Title{separators}One", 1), ("Title Two", 5)]
    assert clean_entry(listing.entries[0]).title == "Title One"
    assert listing.diagnostics == []


def test_year_less_dates_take_the_default_year_in_crlf_files_too():
    text = "T1\r\n\r\nA1\r\n\r\n  • 2 authors\r\n·\r\nNov 28, 2024\r\n\r\nT2\r\n\r\nA2\r\n\r\n·\r\nMar 3 4\r\n"
    entries = read_listing(text, "x.txt").entries
    assert entries[1].date is not None and entries[1].date.year == 2025


def test_listings_yml_that_is_not_utf8_is_an_input_error(tmp_path):
    (tmp_path / "listings.yml").write_bytes("a.txt:\n  year: 2025 # ©\n".encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_listing_info(tmp_path)


# Size ----------------------------------------------------------------------------------------------


def realistic_listing(papers: int, seed: int = 1) -> tuple[str, list[tuple[str, str, int]]]:
    """A listing in the metadata layout with ``papers`` entries of realistic length; and what it holds."""
    rng = random.Random(seed)
    words = (FIXTURES.parent.parent / "data" / "listings" / "transformers-compact.txt").read_text().split()
    words = [w for w in words if w.isalpha()]
    lines = ["new", "", "Subscribe", "", "Daily Papers", "", "Oct 29", ""]
    expected = []
    for n in range(papers):
        title = " ".join(rng.choice(words).capitalize() for _ in range(rng.randint(4, 14))) + f": Part {n}"
        sentences = [" ".join(rng.choices(words, k=rng.randint(10, 25))).capitalize() + "." for _ in range(8)]
        abstract = " ".join(sentences[: rng.randint(4, 8)])
        authors = rng.randint(1, 40)
        lines += [title, "", abstract, "", f"  • {authors} authors", "·", f"Oct {rng.randint(1, 28)}, 2024 7", ""]
        expected.append((title, abstract, authors))
    return "\n".join(lines), expected


def test_a_20_mb_listing_is_read_completely(tmp_path):
    text, expected = realistic_listing(26_000)
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    size = path.stat().st_size
    assert size > 20_000_000
    del text
    tracemalloc.start()
    try:
        reading = read_paths([path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * size  # the bytes, the text and its lines: a few times the file, nothing per pair of lines
    assert reading.diagnostics == []
    assert [(e.title, e.abstract, e.authors) for e in reading.entries] == expected
    assert reading.entries[-1].source.line == 8 + 8 * (len(expected) - 1) + 1


class Timeout(Exception):
    pass


def within(seconds: int):
    """Raise Timeout in the test when the block takes longer than ``seconds`` (a hang, not slowness)."""

    def expire(signum, frame):
        raise Timeout(f"took more than {seconds} s")

    class Limit:
        def __enter__(self):
            signal.signal(signal.SIGALRM, expire)
            signal.alarm(seconds)

        def __exit__(self, *exc):
            signal.alarm(0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)

    return Limit()


MEGABYTE = 1_000_000

LONG_LINES = {
    "words": ("Transformers learn. " * 60_000)[:MEGABYTE],
    "one word": "a" * MEGABYTE,
    "authors-like": "•" + " " * MEGABYTE + "x",
    "date-like": "Oct 1" + "1" * MEGABYTE,
    "sentence breaks": "a. B" * (MEGABYTE // 4),
    "latex": ("\\emph{" + "a " * 40 + "\\alpha1 $x$ ") * (MEGABYTE // 100),
    "urls": ("https://github.com/a/b " * (MEGABYTE // 23)),
}


@pytest.mark.parametrize("kind", sorted(LONG_LINES))
def test_a_1_mb_abstract_is_read_and_cleaned_without_hanging(kind):
    line = LONG_LINES[kind]
    text = f"A Title\n\n{line}\n\nNext Title\n\nNext abstract.\n"
    with within(20):
        listing = read_listing(text, "long.txt")
        entries = [clean_entry(e) for e in listing.entries]
    assert [e.title for e in entries] == ["A Title", "Next Title"]
    assert listing.entries[0].abstract == line.strip() and listing.diagnostics == []


def test_a_1_mb_title_cannot_be_a_title_and_is_reported_not_paired():
    title = "Words " * (MEGABYTE // 6)
    abstract = " ".join(["This abstract belongs to the enormous title above it."] * 10)
    text = f"{title}\n\n{abstract}\n\nNext Title\n\nNext abstract.\n"
    with within(20):
        listing = read_listing(text, "long.txt")
    assert [(e.title, e.abstract) for e in listing.entries] == [("Next Title", "Next abstract.")]
    assert [d.source.line for d in listing.diagnostics] == [1, 3]
    assert all("reads like an abstract" in d.message for d in listing.diagnostics)


def test_a_1_mb_abstract_through_the_command_line_is_cut_with_a_warning(tmp_path):
    project = project_with(tmp_path, {"long.txt": f"Long Paper\n\n{LONG_LINES['words']}\n".encode()})
    result = run_generator(project, "build", "--no-site")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "3 entries read" in result.stderr
    assert (
        "data/listings/long.txt:1: warning: the abstract of 'Long Paper' has 999,999 characters, more than the "
        "10,000 any real abstract comes near (arXiv allows 1,920): it is cut at a word, with '…'"
    ) in result.stderr
    page = (project / "docs" / "papers" / "long-paper.md").read_text()
    assert len(page) < 20_000 and "Transformers learn. Transformers learn.…\n" in page
    (paper,) = [p for p in json.loads((project / "docs" / "papers.json").read_text()) if p["title"] == "Long Paper"]
    assert len(paper["abstract"]) <= 10_000 and paper["abstract"].endswith(" Transformers learn.…")
    assert run_generator(project, "check", "--strict").returncode == 1


@pytest.mark.parametrize(
    ("abstract", "shown"),
    [
        ("word " * 12_000_000, "word " * 1_999 + "word…"),  # 60 MB
        ("x" * 20_000, "x" * 9_999 + "…"),  # no space to cut at
        ("We study. " + "\\emph{} " * 10_000, None),  # short once clean, but its raw text was cut
    ],
)
def test_an_abstract_past_the_limit_is_cut_at_a_word_with_a_warning(abstract, shown):
    with within(10):
        cleaning = clean_entries([Entry("A Title", abstract, Source("x.txt", 4))])
    (entry,) = cleaning.entries
    (warning,) = cleaning.diagnostics
    assert len(entry.abstract) <= ABSTRACT_LIMIT and entry.abstract.endswith("…")
    assert shown is None or entry.abstract == shown
    assert warning.source == Source("x.txt", 4) and f"has {len(abstract):,} characters" in warning.message


def test_a_title_is_at_most_400_characters_a_longer_line_is_an_abstract_without_title():
    for length, read in ((400, True), (401, False)):
        title = ("Word " * 100)[: length - 1] + "X"
        listing = read_listing(f"{title}\n\nAn abstract.\n\nNext Title\n\nNext abstract.\n", "t.txt")
        assert (title in [e.title for e in listing.entries]) is read
        if read:
            assert listing.diagnostics == []
        else:
            assert listing.diagnostics[0].source.line == 1
            assert "reads like an abstract, but no title precedes it" in listing.diagnostics[0].message


def test_the_longest_real_abstract_is_far_below_the_limit():
    listings = [FIXTURES.parent.parent / "data" / "listings", FIXTURES / "real"]
    cleaning = clean_entries(read_paths(listings).entries)
    assert not any("is cut at a word" in d.message for d in cleaning.diagnostics)
    assert max(len(e.abstract) for e in cleaning.entries) * 5 < ABSTRACT_LIMIT


def test_a_1_mb_url_ending_in_brackets_is_trimmed_in_linear_time():
    with within(10):
        links = extract_links("see https://github.com/a/b" + ")" * MEGABYTE)
    assert [link.url for link in links] == ["https://github.com/a/b"]


# Missing lines: never shift every later pair ----------------------------------------------------


def pairs(listing: Listing) -> list[tuple[str, str]]:
    return [(e.title[:12], e.abstract[:12]) for e in listing.entries]


XLM = ("XLM-T: Scali", "Multilingual")
MIMETIC = ("Mimetic Init", "It is notori")
RANDOM_LTD = ("Random-LTD: ", "Large-scale ")
NEVER = ("Never Train ", "Modeling lon")
SMART = ("Scaling Smar", "The pre-trai")


@pytest.mark.parametrize(
    ("name", "expected", "line", "message"),
    [
        ("compact-abstract-without-title.txt", [XLM, MIMETIC, NEVER, SMART], 7, "reads like an abstract, but no title"),
        ("blocks-abstract-without-title.txt", [XLM, RANDOM_LTD, NEVER], 17, "reads like an abstract, but no title"),
        ("metadata-abstract-without-title.txt", [XLM, RANDOM_LTD, NEVER], 21, "reads like an abstract, but no title"),
        ("compact-title-without-abstract.txt", [XLM, RANDOM_LTD, NEVER, SMART], 5, "has no abstract after it"),
        ("metadata-title-without-abstract.txt", [XLM, RANDOM_LTD, NEVER], 21, "has no abstract after it"),
        ("compact-short-abstract-without-title.txt", [XLM, MIMETIC, RANDOM_LTD], 5, "has no abstract after it"),
        ("metadata-block-after-metadata.txt", [XLM, RANDOM_LTD, NEVER], 21, "starts a second metadata block"),
    ],
)
def test_a_missing_title_or_abstract_is_reported_once_and_later_papers_stay_paired(name, expected, line, message):
    listing = read_fault(name)
    assert pairs(listing) == expected
    (warning,) = listing.diagnostics
    assert warning.source == Source(name, line) and message in warning.message
    assert warning.message.endswith(("its title before it)", "on the line before it", "the block is ignored"))


def test_metadata_after_a_missing_piece_stays_with_its_own_paper():
    listing = read_fault("metadata-abstract-without-title.txt")
    assert [(e.authors, e.date and e.date.isoformat(), e.upvotes, e.organisation) for e in listing.entries] == [
        (7, "2022-08-05", None, None),
        (5, "2023-10-03", 12, None),
        (2, "2024-03-01", None, None),
    ]
    repeated = read_fault("metadata-block-after-metadata.txt").entries[0]
    assert (repeated.authors, repeated.organisation, repeated.upvotes) == (7, None, None)


def test_metadata_title_without_abstract_names_the_metadata_that_follows_it():
    (warning,) = read_fault("metadata-title-without-abstract.txt").diagnostics
    assert "(metadata follows it at line 23; line 27 looks like the next title, line 29 like its abstract)" in (
        warning.message
    )


def test_what_reads_like_an_abstract():
    titles = [line for line in GOOD.read_text().splitlines() if line and len(line) < 150]
    assert not any(reads_like_abstract(t) for t in titles)
    assert not reads_like_abstract("Shall We Pretrain Autoregressive Language Models with Retrieval? A Study " * 2)
    assert reads_like_abstract("x" * 401)
    assert reads_like_abstract("We propose a method. It works well on many tasks. Code is released. " * 4)


def test_real_listings_trigger_no_heuristic():
    listings = FIXTURES.parent.parent / "data" / "listings"
    reading = read_paths([listings])
    assert len(reading.entries) == 494 and reading.diagnostics == []
    assert not any(reads_like_abstract(e.title) for e in reading.entries)
    assert all(reads_like_abstract(e.abstract) for e in reading.entries)


def test_subscribe_is_unglued_from_the_first_title_only():
    text = "Get trending papers in your email inbox!\nSubscribeFirst Title\nAbstract one.\nSubscribers Matter\nA2.\n"
    assert [e.title for e in read_listing(text, "c.txt").entries] == ["First Title", "Subscribers Matter"]
    assert read_listing("Subscribers Matter\n\nAbstract.\n", "c.txt").entries[0].title == "Subscribers Matter"


def test_a_line_of_invisible_characters_is_blank():
    listing = read_listing("Title One\n\u200b\u00ad\nAbstract one.\n", "x.txt")
    assert [(e.title, e.abstract) for e in listing.entries] == [("Title One", "Abstract one.")]


def test_new_warnings_through_check_json(tmp_path):
    project = copy_project(tmp_path / "p", FAULTS / "compact-abstract-without-title.txt")
    result = run_generator(project, "check", "--json", "-q")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["ok"] and report["papers"] == 4 and report["notes"] == []
    (warning,) = report["warnings"]
    assert (warning["file"], warning["line"]) == ("data/listings/compact-abstract-without-title.txt", 7)
    assert "reads like an abstract, but no title precedes it" in warning["message"]
    assert run_generator(project, "check", "--strict", "-q").returncode == 1


# What is read ---------------------------------------------------------------------------------------


def test_the_same_file_named_twice_is_read_once_with_a_note(tmp_path):
    project = copy_project(tmp_path / "p", GOOD)
    name = "data/listings/layout-blocks.txt"
    result = run_generator(project, "check", "--strict", name, "data/listings", f"./{name}")
    assert result.returncode == 0, result.stderr
    assert f"{name}: note: named more than once (3 times); read once" in result.stderr
    assert "2 entries read, 0 duplicates merged, 0 warnings, 1 note" in result.stderr
    link = project / "data" / "link.txt"
    link.symlink_to(project / name)
    result = run_generator(project, "check", "--json", "-q", "data/link.txt", name)
    report = json.loads(result.stdout)
    assert report["entries"] == 2 and report["warnings"] == []
    assert report["notes"] == [
        {"file": name, "line": None, "message": f"named more than once (as 'data/link.txt', '{name}'); read once"}
    ]


def test_a_folder_reads_only_txt_files_and_names_what_it_skips(tmp_path):
    project = project_with(
        tmp_path,
        {
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "._layout-blocks.txt": b"\x00\x05\x16\x07",
            "README.md": b"# notes",
            "cover.png": b"\x89PNG\r\n\x1a\n\x00",
            "listing.TXT": b"Other\n\nOther abstract.\n",
            "notes.txt~": b"backup",
            ".git/config": b"[core]",
            "more/second.txt": b"Second Title\n\nSecond abstract.\n",
        },
    )
    result = run_generator(project, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert (
        "data/listings: note: not read (only *.txt files are, and none whose name starts with a dot): "
        ".DS_Store, ._layout-blocks.txt, .git/, README.md, cover.png, listing.TXT, notes.txt~"
    ) in result.stderr
    assert "3 entries read" in result.stderr and "listings.yml" not in result.stderr


def test_the_order_of_the_names_given_changes_nothing(tmp_path):
    for name in ("b.txt", "a.txt", "sub/c.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"Title {name}\n\nAbstract.\n")
    (tmp_path / "x.md").write_text("")
    orders = [
        [tmp_path],
        [tmp_path / "sub", tmp_path / "b.txt", tmp_path / "a.txt"],
        [tmp_path / "a.txt", tmp_path / "sub" / "c.txt", tmp_path / "b.txt", tmp_path / "sub"],
    ]
    files = {tuple(find_listings(order)) for order in orders}
    assert len(files) == 1
    readings = [read_paths(order) for order in orders]
    assert all(r.entries == readings[0].entries for r in readings)


def test_notes_are_not_warnings():
    found = gather_listings([GOOD, GOOD])
    (note,) = found.notes
    assert isinstance(note, Note) and note.source == Source(display_path(GOOD), 0)
    assert str(note) == f"{display_path(GOOD)}: note: named more than once (2 times); read once"


@pytest.mark.parametrize(("path", "message"), [("/dev/null", "not a file or a folder"), ("nope", "no such file")])
def test_paths_that_are_no_listing_are_errors(path, message):
    with pytest.raises(InputError, match=message):
        find_listings([Path(path)])


def test_an_unreadable_file_is_an_input_error(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("T\n\nA\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match=re.escape("secret.txt: cannot be read (Permission denied)")):
        read_paths([path])


# Identity, slugs and text that must not reach a page (issue 14, items 5, 9, 11, 12, 16, 17) --------

HOSTILE_IDENTITY = [
    # (title, organisation line or None): every paper dated, so every one is in the feed
    ("!!!", None),
    ("e3b0c4", None),  # the hash "!!!" once had as its slug
    ("Über Transformers", None),
    ("Uber Transformers 36c3c3", None),  # the slug "Über Transformers" asks for
    ("Learning C++ Programs With Transformers", "c++ C++ Group"),
    ("Learning C# Programs With Transformers", "c# C# Group"),
    ("?!?!...---", None),
    ("🚀🔥💯", None),
    ("###", None),
    ("Control\x01 Character and \uffff Noncharacter", None),
    ("Safe Title \u202eEVIL", "trusted\u202e Trusted \u202eLab"),
]


ODD_NAME = "odd\x01\u202ename\x0b.txt"
"""A listing file name that pages show: a control character, a right-to-left override, a vertical tab."""


def identity_listing() -> str:
    """A metadata-layout listing of the titles above; each abstract names its paper and, for the
    last one, an address written backwards behind a right-to-left override and a www.github.com link."""
    lines = ["Daily Papers", ""]
    for n, (title, organisation) in enumerate(HOSTILE_IDENTITY):
        abstract = f"Paper number {n} with words of its own: {' '.join(f'w{n}x{k}' for k in range(25))}."
        if title.startswith("Safe"):
            abstract += " Code: https://evil.example/\u202emoc.buhtig//:sptth and www.github.com/org/repo."
        if title.startswith("Control"):
            abstract += " It holds \x02 and \ufffe too."
        lines += [title, "", abstract, "", organisation or "  • 3 authors", "·", f"Oct {n + 1}, 2025 4", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def identity_site(tmp_path_factory: pytest.TempPathFactory):
    """The project built (both sites) from ``identity_listing``: the folder and what the build said."""
    project = copy_project(tmp_path_factory.mktemp("identity"), GOOD)
    (project / "data" / "listings" / "hostile-identity.txt").write_text(identity_listing(), encoding="utf-8")
    odd = "Daily Papers\n\nA Paper Listed In An Odd File\n\nIts abstract.\n\n  • 2 authors\n·\nOct 30, 2025\n"
    (project / "data" / "listings" / ODD_NAME).write_text(odd, encoding="utf-8")
    result = run_generator(project, "build")
    return project, result


def paper_pages(project: Path) -> dict[str, str]:
    """Each paper page of the hosted site by slug: its HTML."""
    return {p.parent.name: p.read_text(encoding="utf-8") for p in (project / "site" / "papers").glob("*/index.html")}


def page_of(pages: dict[str, str], words: str) -> str:
    """The one page whose abstract holds ``words``."""
    (page,) = [html for html in pages.values() if words in html]
    return page


def test_built_to_collide_and_look_alike_titles_each_get_a_page_of_their_own(identity_site):
    project, result = identity_site
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    pages = paper_pages(project)
    assert len(pages) == 3 + len(HOSTILE_IDENTITY)  # the good fixture's two, the odd file's one, one per title
    for n, (title, _) in enumerate(HOSTILE_IDENTITY):
        page = page_of(pages, f"w{n}x0 w{n}x1")
        if title.isprintable() and not title.startswith("Safe"):
            assert f"<h1>{html.escape(title, quote=False)}</h1>" in page
    assert {"e3b0c4", "uber-transformers-36c3c3"} <= set(pages)  # titles that spell a slug keep it


def test_titles_without_letters_or_digits_are_warnings_naming_file_and_line(identity_site):
    _, result = identity_site
    nameless = [(n, title) for n, (title, _) in enumerate(HOSTILE_IDENTITY) if not re.search(r"[^\W_]", title)]
    assert len(nameless) == 4
    for n, title in nameless:
        where = f"data/listings/hostile-identity.txt:{3 + 8 * n}"  # each paper is 8 lines after 2 of chrome
        assert f"{where}: warning: the title {title!r} has no letters or digits" in result.stderr
    assert ", 4 warnings," in result.stderr


def test_organisations_whose_handles_slug_alike_get_a_page_each(identity_site):
    project, _ = identity_site
    pages = paper_pages(project)
    links = {}
    for n, name in ((4, "C++ Group"), (5, "C# Group")):
        (href,) = re.findall(
            r'href="../../organisations/([^/"]+)/">' + re.escape(name), page_of(pages, f"w{n}x0 w{n}x1")
        )
        links[name] = href
        organisation = (project / "site" / "organisations" / href / "index.html").read_text(encoding="utf-8")
        assert name in organisation and f"Learning {name.split()[0]} Programs" in organisation
    assert len(set(links.values())) == 2


def test_feeds_sitemaps_and_pages_are_xml_without_forbidden_characters(identity_site):
    project, _ = identity_site
    for site in ("site", "site-offline"):
        feeds = sorted((project / site).glob("feed_*.xml"))
        assert feeds or site == "site-offline"
        for feed in feeds:
            titles = [t.text for t in ElementTree.parse(feed).getroot().iter("title")]
            assert "Control Character and Noncharacter" in titles and "Safe Title EVIL" in titles
        if (project / site / "sitemap.xml").exists():
            ElementTree.parse(project / site / "sitemap.xml")
    forbidden = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
    for folder in ("docs", "site", "site-offline"):
        for path in (project / folder).rglob("*"):
            if path.suffix in {".md", ".html", ".xml", ".json", ".csv", ".js"} and "assets" not in path.parts:
                found = forbidden.search(path.read_text(encoding="utf-8"))
                assert found is None, f"{path.relative_to(project)} holds {found[0]!r}"
    assert "data/listings/oddname .txt" in page_of(paper_pages(project), "Its abstract.")


def test_bidi_overrides_reach_no_title_organisation_or_link_label_and_www_github_is_code(identity_site):
    project, _ = identity_site
    page = page_of(paper_pages(project), "w10x0 w10x1")
    assert "<h1>Safe Title EVIL</h1>" in page and "Trusted Lab" in page
    assert "Code: github.com/org/repo" in page
    assert "Project: evil.example/moc.buhtig//:sptth" in page


# Links: a build publishes what it reads ------------------------------------------------------------


def test_a_link_out_of_the_listings_folder_is_not_followed_and_is_noted(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Root Password Here\n\nroot:x:0:0:root:/root:/bin/bash and more secret lines.\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "more.txt").write_text("Hidden Folder Paper\n\nAn abstract from a folder outside the listings.\n")
    project = copy_project(tmp_path / "p", GOOD)
    listings = project / "data" / "listings"
    (listings / "passwd.txt").symlink_to(secret)
    (listings / "linked").symlink_to(elsewhere)
    (listings / "inside.txt").symlink_to("layout-blocks.txt")  # a link inside the folder is fine
    result = run_generator(project, "build", "--no-site", "--strict")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (
        "data/listings: note: not read: a link to a folder, or to a file outside data/listings, is not followed, "
        "since a build publishes what it reads: linked/, passwd.txt; copy a listing into data/listings to read it"
    ) in result.stderr
    assert "2 entries read" in result.stderr
    published = b"".join(p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file())
    assert b"root:x:0:0" not in published and b"Root Password" not in published and b"Hidden Folder" not in published


def test_a_link_named_directly_is_followed_only_inside_its_folder(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Root Password Here\n\nroot:x:0:0:root:/root:/bin/bash and more secret lines.\n")
    project = copy_project(tmp_path / "p", GOOD)
    (project / "data" / "listings" / "passwd.txt").symlink_to(secret)
    result = run_generator(project, "build", "--no-site", "data/listings/passwd.txt")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error: data/listings/passwd.txt: no listing files (*.txt) found" in result.stderr
    assert "is not followed, since a build publishes what it reads" in result.stderr
    assert not (project / "docs").exists()
    found = gather_listings([project / "data" / "listings" / "passwd.txt", GOOD])
    assert found.files == [GOOD] and "is not followed" in found.notes[0].message


# Numbers, names and encodings that Python refuses -------------------------------------------------------

METADATA = "Meta Title One\n\nWe propose a method that works on many tasks, described here.\n\n  • 7 authors\n·\nOct 14, 2024 5\n"


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("7 authors", "9" * 5000 + " authors", "author count 999999999999… (5,000 digits) is more than 10,000"),
        ("2024 5", "2024 " + "9" * 5000, "upvote count 999999999999… (5,000 digits) is more than 1,000,000"),
        ("Oct 14, 2024 5", "Oct 14 " + "0" * 4999 + "9", None),
        ("7 authors", "10001 authors", "author count 10001 is more than 10,000"),
    ],
)
def test_an_absurd_count_is_a_warning_with_file_and_line_not_a_traceback(old, new, what):
    listing = read_listing(METADATA.replace(old, new), "big.txt", ListingInfo(year=2025))
    (entry,) = listing.entries
    if what is None:  # leading zeros: a plain count
        assert entry.upvotes == 9 and listing.diagnostics == []
        return
    (warning,) = listing.diagnostics
    assert warning.source.line == (5 if "author" in what else 7) and warning.message.startswith(what)
    assert (entry.authors, entry.upvotes) == ((None, 5) if "author" in what else (7, None))
    assert entry.date is not None and entry.date.isoformat() == "2024-10-14"


def test_an_absurd_count_through_the_command_line(tmp_path):
    project = project_with(tmp_path, {"big.txt": METADATA.replace("7 authors", "9" * 5000 + " authors").encode()})
    result = run_generator(project, "check")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "data/listings/big.txt:5: warning: author count 999999999999… (5,000 digits) is more than 10,000" in (
        result.stderr
    )
    assert run_generator(project, "check", "--strict").returncode == 1


def test_a_listing_whose_name_is_not_utf8_is_read_and_named_with_its_bytes_escaped(tmp_path):
    name = "bad\udcffname.txt"  # the byte 0xff, as Python holds it in a file name
    project = project_with(
        tmp_path, {name: b"Bad Name Title\n\nAn abstract of the listing with a bad name.\n\nFeb 30, 2024\n"}
    )
    result = run_generator(project, "build", "--no-site")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "data/listings/bad\\xffname.txt:5: warning: 'Feb 30, 2024' is not a valid date" in result.stderr
    page = (project / "docs" / "papers" / "bad-name-title.md").read_text()
    assert "<code>data/listings/bad\\xffname.txt</code> (line 1)" in page
    papers = json.loads((project / "docs" / "papers.json").read_text())
    assert "data/listings/bad\\xffname.txt:1" in [s for p in papers for s in p["sources"]]
    result = run_generator(project, "check", "data/listings/bad\udcffnome.txt")
    assert result.returncode == 2 and "error: data/listings/bad\\xffnome.txt: no such file or folder" in result.stderr


def test_utf32_with_a_byte_order_mark_is_read_and_a_nul_character_never_reaches_the_site():
    text = "Title One\r\n\r\nAbstract one.\r\n"
    for encoding in ("utf-32", "utf-32-be"):  # utf-32 writes a BOM
        data = text.encode(encoding) if encoding == "utf-32" else b"\x00\x00\xfe\xff" + text.encode(encoding)
        (entry,) = read_listing(decode(data, "u.txt"), "u.txt").entries
        assert (entry.title, entry.abstract) == ("Title One", "Abstract one.")
    for encoding in ("utf-16", "utf-32"):
        with pytest.raises(InputError) as caught:
            decode("Title One\n\nAbstract\x00 one.\n".encode(encoding), "nul.txt")
        assert (caught.value.file, caught.value.line) == ("nul.txt", 3)
        assert f"a NUL character (U+0000) in {encoding.upper()} text" in caught.value.message


def test_a_nul_character_in_utf16_is_an_error_and_replaces_nothing(tmp_path):
    project = project_with(tmp_path, {"nul.txt": "T\n\nA\x00b.\n".encode("utf-16")})
    assert run_generator(project, "build", "--no-site", "data/listings/layout-blocks.txt").returncode == 0
    before = (project / "docs" / "papers.json").read_bytes()
    result = run_generator(project, "build", "--no-site", "--json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error: data/listings/nul.txt:3: a NUL character (U+0000) in UTF-16 text" in result.stderr
    assert (project / "docs" / "papers.json").read_bytes() == before


# Dates the site cannot show ---------------------------------------------------------------------------


def dated(*dates: str) -> str:
    """A listing in the metadata layout with one paper per date line."""
    return "".join(
        f"Paper Number {n}\n\nAn abstract of paper {n} that says what it does.\n\n  • 3 authors\n·\n{date}\n\n"
        for n, date in enumerate(dates, 1)
    )


@pytest.mark.parametrize("date", ["Jan 1, 0001", "Dec 31, 1969", "Dec 31, 1989", "Feb 8, 2106", "Jan 1, 2100"])
def test_a_date_outside_the_years_the_site_shows_is_a_warning_and_the_paper_is_undated(date):
    listing = read_listing(dated("Oct 14, 2024", f"{date} 12"), "d.txt")
    first, second = listing.entries
    assert first.date is not None and second.date is None and second.upvotes == 12
    (warning,) = listing.diagnostics
    assert warning.source == Source("d.txt", 15)  # the date's line
    assert warning.message.startswith(f"date {date} is outside the years the site shows (1990 to 2099)")
    assert warning.message.endswith("the paper is shown undated: correct the year")


def test_a_date_far_after_every_other_is_a_slip_and_the_paper_is_undated(tmp_path):
    (tmp_path / "a.txt").write_text(dated("Oct 14, 2023", "Mar 2, 2024", "Oct 30, 2025"))
    (tmp_path / "b.txt").write_text(dated("Oct 14, 2095", "Feb 8, 2025"))
    reading = read_paths([tmp_path])
    assert [e.date and e.date.year for e in reading.entries] == [2023, 2024, 2025, None, 2025]
    (warning,) = reading.diagnostics
    assert warning.source.line == 1 and warning.source.file.endswith("b.txt")
    assert warning.message == (
        "the paper's date Oct 14, 2095 is more than a year after every other date read (the newest: Oct 30, 2025); "
        "the paper is shown undated: correct the year"
    )


@pytest.mark.parametrize(
    "dates",
    [
        ("Oct 14, 2018", "Oct 14, 2020", "Oct 14, 2022", "Oct 14, 2024"),  # a few papers, years apart
        ("Jun 12, 2017", "Oct 11, 2018", "Feb 14, 2019", "May 28, 2020"),  # famous papers, a year or so apart
        ("May 1, 2024", "May 1, 2024", "Jun 1, 2025"),  # a second listing a year later
        ("Oct 14, 2020", "Oct 14, 2025"),  # two dates: nothing tells which one is wrong
        ("Jan 1, 1990", "Dec 31, 2099"),
    ],
)
def test_dates_spread_over_years_are_kept(dates):
    reading = read_listing(dated(*dates), "d.txt")
    assert reading.diagnostics == [] and all(e.date for e in reading.entries)


@pytest.mark.parametrize(
    ("year", "message"),
    [("1", "year must be a whole number from 1990 to 2099"), ("9" * 5000, "holds a number of more than 4,300 digits")],
)
def test_a_listing_year_out_of_range_is_an_error(tmp_path, year, message):
    (tmp_path / "listings.yml").write_text(f"a.txt:\n  year: {year}\n")
    with pytest.raises(InputError, match=message):
        load_listing_info(tmp_path)


def test_dates_the_site_cannot_show_build_a_site_with_a_short_timeline(tmp_path):
    dates = (
        "Oct 14, 2024",
        "Jan 1, 0001",
        "Dec 31, 1969",
        "Feb 8, 2106",
        "Oct 30, 2025",
        "Oct 14, 2095",
        "Mar 2, 2025",
    )
    dates += ("Jun 5, 2023",)
    project = project_with(tmp_path, {"dates.txt": dated(*dates).encode()})
    result = run_generator(project, "build")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    for line, date in ((15, "Jan 1, 0001"), (23, "Dec 31, 1969"), (31, "Feb 8, 2106")):
        assert f"data/listings/dates.txt:{line}: warning: date {date} is outside the years" in result.stderr
    assert "data/listings/dates.txt:41: warning: the paper's date Oct 14, 2095 is more than a year after" in (
        result.stderr
    )
    timeline = (project / "docs" / "timeline.md").read_text()
    assert len(timeline) < 20_000 and "2095" not in timeline and "0001" not in timeline
    papers = {p["title"]: p["date"] for p in json.loads((project / "docs" / "papers.json").read_text())}
    assert [papers[f"Paper Number {n}"] for n in range(1, 9)] == (
        ["2024-10-14", None, None, None, "2025-10-30", None, "2025-03-02", "2023-06-05"]
    )
    assert (project / "site" / "papers" / "paper-number-4" / "index.html").is_file()
    assert (project / "site-offline" / "index.html").is_file()
