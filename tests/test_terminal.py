"""Nothing from the input drives the terminal (generator/terminal.py): every line the command line prints
is free of control characters, whatever titles, file names and queries hold (issue 14, item 15)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from generator import search
from generator.terminal import as_json, printable
from tests.conftest import copy_project, run_generator

RETITLE = "\x1b]0;pwned\x07"
"""An escape sequence that retitles the terminal (OSC 0 ... BEL)."""

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_printable_drops_controls_and_keeps_lines_and_text() -> None:
    assert printable(f"Safe{RETITLE} title\x9b2J\r\tend\n") == "Safe]0;pwned title2J\tend\n"
    assert printable("Über Σ 大语言模型 🚀") == "Über Σ 大语言模型 🚀"


def test_json_escapes_every_control_and_keeps_the_data() -> None:
    data = {"title": f"a{RETITLE}\x7f\x9bb"}
    text = as_json(data, ensure_ascii=False)
    assert not CONTROL.search(text)
    assert json.loads(text) == data


def test_warnings_and_errors_print_no_escape_sequences(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    listings = project / "data" / "listings"
    shutil.rmtree(listings)
    listings.mkdir()
    (listings / "a.txt").write_text(
        f"Daily Papers\n\nA Paper With An Abstract\n\nIts abstract.\n\nA Dangling{RETITLE} Title\n", encoding="utf-8"
    )
    result = run_generator(project, "check")
    assert result.returncode == 0, result.stderr
    assert "A Dangling" in result.stderr
    assert not CONTROL.search(result.stderr.replace("\n", ""))
    (listings / f"b{RETITLE}.txt").write_bytes(b"Daily Papers\n\nA Title\n\nAn abstract \x93quoted\x94.\n")
    result = run_generator(project, "check")
    assert result.returncode == 2
    assert "b]0;pwned.txt:5: not valid UTF-8" in result.stderr, result.stderr
    assert not CONTROL.search(result.stderr.replace("\n", ""))


def test_search_prints_titles_without_escape_sequences(real_site: Path, tmp_path: Path) -> None:
    """A title holding ``ESC ]0;pwned BEL`` is printed as text, in the list and in --json."""
    project = copy_project(tmp_path / "p")
    site = project / "site"
    shutil.copytree(real_site / "site" / "search", site / "search")
    data_file = site / search.SITE_DATA["hosted"]
    data = json.loads(data_file.read_text(encoding="utf-8"))
    first = next(n for n, location in enumerate(data["docs"]["location"]) if location.startswith("papers/"))
    data["docs"]["title"][first] = f"Zebrafish{RETITLE}\x9b31m Paper"
    data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    query = data["docs"]["location"][first].split("/")[1].replace("-", " ")  # its title's words
    for options in ((), ("--json",)):
        result = run_generator(project, "search", query, "--site", "site", "--limit", "50", *options)
        assert result.returncode == 0, result.stderr
        assert ("Zebrafish\\u001b]0;pwned\\u0007\\u009b31m" if options else "Zebrafish]0;pwned31m") in result.stdout
        assert not CONTROL.search(result.stdout.replace("\n", "")), result.stdout
        assert not CONTROL.search(result.stderr.replace("\n", ""))
