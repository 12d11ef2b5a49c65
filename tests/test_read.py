"""Reading listings by structure (generator/read.py): one fixture per layout, plus the faults a reader must
report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.model import Organisation, Source
from generator.read import ListingInfo, decode, find_listings, load_listing_info, read_listing, read_paths, site_names

FIXTURES = Path(__file__).parent / "fixtures"
LISTINGS = Path(__file__).parent.parent / "data" / "listings"


def read_fixture(name: str, year: int | None = 2025):
    path = FIXTURES / name
    return read_listing(decode(path.read_bytes(), name), name, ListingInfo(year=year))


def test_blank_line_layout_skips_page_chrome_and_pairs_title_with_abstract():
    listing = read_fixture("layout-blocks.txt")
    assert [e.title for e in listing.entries] == [
        "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
        "A Survey of Large Language Models",
    ]
    assert listing.entries[0].abstract.startswith("We propose GPTQ")
    assert listing.entries[0].source == Source("layout-blocks.txt", 13)
    assert listing.diagnostics == []


def test_metadata_layout_reads_authors_date_upvotes_and_organisation():
    entries = read_fixture("layout-metadata.txt").entries
    btm, router, nola = entries
    assert (btm.authors, btm.date, btm.upvotes) == (7, dt.date(2022, 8, 5), None)
    assert router.organisation == Organisation("parameterlab", "Parameter Lab")
    assert (router.date, router.upvotes) == (dt.date(2025, 10, 14), 2)
    assert (nola.authors, nola.date, nola.upvotes) == (5, dt.date(2023, 10, 3), 12)


def test_compact_layout_unglues_subscribe_and_reads_by_structure_not_length():
    entries = read_fixture("layout-compact.txt").entries
    assert [e.title for e in entries] == [
        "XLM-T: Scaling up Multilingual Machine Translation with Pretrained Cross-lingual Transformer Encoders",
        "Mimetic Initialization of Self-Attention Layers",
        "Short",
    ]
    assert entries[2].abstract.startswith("A short title followed by a much longer abstract")
    assert [e.source.line for e in entries] == [3, 5, 7]


def test_dangling_title_is_a_warning_naming_file_and_line_not_a_paper():
    listing = read_fixture("dangling-title.txt")
    assert [e.title for e in listing.entries] == ["A Paper With An Abstract"]
    (warning,) = listing.diagnostics
    assert warning.source == Source("dangling-title.txt", 7)
    assert "no abstract" in warning.message
    assert str(warning).startswith("dangling-title.txt:7: warning:")


def test_metadata_line_between_title_and_abstract_is_reported_and_ignored():
    listing = read_fixture("metadata-out-of-place.txt")
    assert [(e.title, e.abstract) for e in listing.entries] == [
        ("First Paper", "First abstract."),
        ("Second Paper", "Second abstract."),
    ]
    (warning,) = listing.diagnostics
    assert warning.source.line == 5 and "out of place" in warning.message


def test_year_less_dates_default_to_the_year_after_the_newest_full_date():
    text = "T1\n\nA1\n\n  • 2 authors\n·\nNov 28, 2024\n\nT2\n\nA2\n\n  • 3 authors\n·\nMar 3 4\n"
    entries = read_listing(text, "x.txt").entries
    assert entries[1].date == dt.date(2025, 3, 3) and entries[1].upvotes == 4


def test_year_less_date_without_any_year_is_a_warning():
    listing = read_listing("T1\n\nA1\n\n  • 2 authors\n·\nMar 3\n", "x.txt")
    assert listing.entries[0].date is None
    assert "no year" in listing.diagnostics[0].message and "listings.yml" in listing.diagnostics[0].message


def test_bundled_listings_hold_494_entries_and_state_their_year():
    info = load_listing_info(LISTINGS)
    files = find_listings([LISTINGS])
    assert len(files) == 5 and all(info[f.name].year == 2025 for f in files)
    total = 0
    for path in files:
        listing = read_listing(decode(path.read_bytes(), path.name), path.name, info[path.name])
        assert listing.diagnostics == []
        total += len(listing.entries)
    assert total == 494


def test_byte_order_mark_and_crlf_are_read_like_plain_text():
    text = decode("\ufeffTitle One\r\n\r\nAbstract one.\r\n".encode(), "bom.txt")
    (entry,) = read_listing(text, "bom.txt").entries
    assert (entry.title, entry.abstract) == ("Title One", "Abstract one.")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x00\x01\x02binary", "binary"), (b"Title\n\n\xff\xfe bad bytes", "not valid UTF-8")],
)
def test_undecodable_files_are_input_errors_naming_the_file(data, message):
    with pytest.raises(InputError) as caught:
        decode(data, "bad.txt")
    assert message in str(caught.value) and "bad.txt" in str(caught.value)


def test_listing_order_on_the_command_line_changes_nothing(tmp_path):
    for name in ("b.txt", "a.txt"):
        (tmp_path / name).write_text("T\n\nA\n")
    assert find_listings([tmp_path / "b.txt", tmp_path / "a.txt"]) == find_listings([tmp_path])


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        find_listings([tmp_path / "nope"])


LONG = "This abstract sentence is long enough to read like one. " * 8  # > ABSTRACT_LENGTH characters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "T1\nA1 first paragraph.\nSecond paragraph.\n  • 2 authors\n·\nMar 3, 2024 4\n\nT2\nA2.\n",
            [("T1", "A1 first paragraph. Second paragraph."), ("T2", "A2.")],
            id="second paragraph before metadata",
        ),
        pytest.param(
            "T1\n\nA1 first paragraph.\nSecond paragraph.\n\nT2\n\nA2.\n",
            [("T1", "A1 first paragraph. Second paragraph."), ("T2", "A2.")],
            id="second paragraph before a blank line",
        ),
        pytest.param(
            f"T1\n{LONG}\n{LONG}\nShort third paragraph.\n\nT2\nA2.\n",
            [("T1", f"{LONG.strip()} {LONG.strip()} Short third paragraph."), ("T2", "A2.")],
            id="a paragraph that cannot be a title, then one more",
        ),
        pytest.param(
            "T1\nA1.\n\nT2\nA2.\nT3\nA3.\n\nT4\nA4.\n",
            [("T1", "A1."), ("T2", "A2."), ("T3", "A3."), ("T4", "A4.")],
            id="a lost blank line does not swallow the next title",
        ),
        pytest.param(
            "Daily Papers\n\nT1\nA1.\nT2\nA2.\nT3\nA3.\n",
            [("T1", "A1."), ("T2", "A2."), ("T3", "A3.")],
            id="compact layout: every line after an abstract is a title",
        ),
    ],
)
def test_an_abstract_runs_on_over_lines_right_below_it_in_the_blank_line_layouts(text, expected):
    listing = read_listing(text, "x.txt")
    assert [(e.title, e.abstract) for e in listing.entries] == expected
    assert listing.diagnostics == []


def test_second_paragraph_keeps_the_papers_metadata_not_a_stray_title():
    listing = read_fixture("real-listings/second-paragraph.txt", year=None)
    registers, paged, retnet, phi = listing.entries
    assert registers.abstract.endswith(
        "We show that this solution fixes that problem entirely for both supervised and self-supervised models."
    )
    assert (registers.authors, registers.date, registers.upvotes) == (4, dt.date(2023, 9, 28), 12)
    assert paged.abstract.endswith(
        "huge and grows and shrinks dynamically. Code is available at https://github.com/vllm-project/vllm."
    )
    assert retnet.abstract.endswith("parallel, recurrent, and chunkwise recurrent.")
    assert phi.title == "Textbooks Are All You Need" and phi.upvotes == 8
    assert listing.diagnostics == []


@pytest.mark.parametrize("gap", [" ", "  ", "\t", " \t  "])
def test_any_run_of_spaces_or_tabs_between_date_and_upvotes_is_a_date_and_upvotes(gap):
    (entry,) = read_listing(f"T\nA.\n  • 2 authors\n·\nFeb 29, 2024{gap}117\n", "x.txt").entries
    assert (entry.date, entry.upvotes) == (dt.date(2024, 2, 29), 117)


def test_real_date_spacing_fixture_reads_dates_and_upvotes():
    genie, sora = read_fixture("real-listings/date-spacing.txt", year=None).entries
    assert (genie.date, genie.upvotes, genie.authors) == (dt.date(2024, 2, 29), 117, 26)
    assert (sora.date, sora.upvotes, sora.authors) == (dt.date(2024, 2, 29), 9, 5)


def test_site_names_are_relative_to_the_project_or_to_the_named_listings_never_absolute(tmp_path, monkeypatch):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    for path in (project / "data" / "a.txt", elsewhere / "b.txt", elsewhere / "2024" / "c.txt"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("T\n\nA\n")
    monkeypatch.chdir(project)
    inside, outside, deeper = Path("data/a.txt"), Path("../elsewhere/b.txt"), Path("../elsewhere/2024/c.txt")
    assert site_names([inside, outside, deeper]) == {
        inside: "data/a.txt",
        outside: "elsewhere/b.txt",
        deeper: "elsewhere/2024/c.txt",
    }
    assert site_names([deeper], [Path("../elsewhere")]) == {deeper: "elsewhere/2024/c.txt"}
    assert site_names([deeper]) == {deeper: "2024/c.txt"}
    assert site_names([elsewhere / "b.txt"]) == {elsewhere / "b.txt": "elsewhere/b.txt"}
    monkeypatch.setenv("HOME", str(elsewhere))
    assert site_names([elsewhere / "b.txt"]) == {elsewhere / "b.txt": "b.txt"}  # no home folder's name


def test_entries_carry_the_site_name_and_messages_the_file_as_named(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "project").mkdir()
    (tmp_path / "elsewhere" / "a.txt").write_text("Title\n\nAbstract.\n")
    monkeypatch.chdir(tmp_path / "project")
    (entry,) = read_paths([Path("../elsewhere/a.txt")]).entries
    assert (str(entry.source), entry.source.where) == ("../elsewhere/a.txt:1", "elsewhere/a.txt:1")
