"""A full disk is a message, not a traceback: exit 2, the folder named with the room to free, and
docs/, site/ and site-offline/ as they were (issue 14, item 8)."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest

from generator import __main__ as cli
from generator import pipeline, site, tethered, write
from tests.conftest import FIXTURES, copy_project, run_generator
from tests.test_atomic import OUTPUTS, leftovers, snapshot

MKDOCS_OUT_OF_SPACE = """
import sys
print("INFO    -  Building documentation to directory: .site.staging")
print("Traceback (most recent call last):")
print('  File "mkdocs/commands/build.py", line 250, in _build_page')
print("OSError: [Errno 28] No space left on device: '.site.staging/papers/a/index.html'")
sys.exit(1)
"""
"""What MkDocs prints when the disk fills while it writes a page."""


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, dict[str, object]]]:
    """A small project, built once, as the current folder; and the state of its outputs."""
    project = copy_project(tmp_path / "p", FIXTURES / "dangling-title.txt")
    (project / "data" / "listings" / "dangling-title.txt").write_text(
        "Daily Papers\n\nA Second Paper On Disks\n\nIts abstract about full disks.\n", encoding="utf-8"
    )
    result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    (project / "data" / "listings" / "more.txt").write_text(
        "Daily Papers\n\nA New Paper\n\nAn abstract that needs room.\n", encoding="utf-8"
    )
    monkeypatch.chdir(project)
    return project, {name: snapshot(project / name) for name in OUTPUTS}


def assert_disk_full_message(stderr: str, folder: str) -> None:
    assert "Traceback" not in stderr and "None" not in stderr, stderr
    assert f"error: {folder}: the disk is full: no room to write {folder}/ in " in stderr, stderr
    assert "MB free" in stderr and "free about " in stderr and "the previous" in stderr, stderr


def test_a_full_disk_while_docs_are_written(built, monkeypatch, capsys) -> None:
    project, before = built

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")  # as a failed write: no file name

    monkeypatch.setattr(Path, "write_bytes", full)
    assert cli.main(["build", "-q"]) == 2
    assert_disk_full_message(capsys.readouterr().err, "docs")
    assert {name: snapshot(project / name) for name in OUTPUTS} == before
    assert leftovers(project) == [] and not (project / write.JOURNAL).exists()


def test_a_full_disk_while_mkdocs_builds(built, monkeypatch, capsys) -> None:
    project, before = built
    monkeypatch.setattr(tethered, "command", lambda *args: [sys.executable, "-c", MKDOCS_OUT_OF_SPACE])
    assert cli.main(["build", "-q"]) == 2
    assert_disk_full_message(capsys.readouterr().err, "site")
    assert {name: snapshot(project / name) for name in OUTPUTS} == before
    assert leftovers(project) == [] and not (project / write.JOURNAL).exists()


def test_a_full_disk_while_the_offline_site_is_derived(built, monkeypatch, capsys) -> None:
    project, before = built

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(site, "derive", full)
    assert cli.main(["build", "-q"]) == 2
    assert_disk_full_message(capsys.readouterr().err, "site-offline")
    assert {name: snapshot(project / name) for name in OUTPUTS} == before
    assert leftovers(project) == [] and not (project / write.JOURNAL).exists()


def test_a_full_disk_anywhere_else_in_a_build(built, monkeypatch, capsys) -> None:
    project, before = built

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "build", full)
    assert cli.main(["build", "-q", "--json"]) == 2
    out = capsys.readouterr()
    assert "the disk is full" in out.err and '"kind": "OutputError"' in out.out
    assert {name: snapshot(project / name) for name in OUTPUTS} == before
