"""The two MkDocs builds (generator/site.py): both sites written from the staged docs, the build date
from the input, Pagefind on the hosted site when asked, and a failed build that names its config and
keeps the previous sites. MkDocs and Pagefind are stood in for by a small script with their command
lines (the real builds are in test_site.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from generator import site, tethered
from generator.errors import BuildError, UserError

FAKE = r"""
import json, os, pathlib, sys
module, *args = sys.argv[1:]
fail = os.environ.get("FAKE_FAIL", "")
if module == "mkdocs":
    config, out = args[args.index("-f") + 1], pathlib.Path(args[args.index("-d") + 1])
    if fail == config:
        print("INFO    -  Building documentation...")
        print("WARNING -  Doc file 'a.md' contains a link 'b.md', but the target is not found.")
        print("Aborted with 1 warnings in strict mode!")
        sys.exit(1)
    if fail == config + ":quiet":
        print("x" * 3000 + "the end")
        sys.exit(7)
    out.mkdir(parents=True, exist_ok=True)
    env = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "SITE_DOCS_DIR", "NO_MKDOCS_2_WARNING")}
    (out / "index.html").write_text(json.dumps({"config": config, "args": args, "env": env}))
elif module == "pagefind":
    if fail == "pagefind":
        print("Error: No module named pagefind_bin", file=sys.stderr)
        sys.exit(3)
    bundle = pathlib.Path(args[args.index("--site") + 1]) / args[args.index("--output-subdir") + 1]
    bundle.mkdir()
    (bundle / "pagefind.js").write_text(json.dumps(args))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with staged docs; MkDocs and Pagefind replaced by ``FAKE``."""
    monkeypatch.setattr(tethered, "command", lambda module, *args: [sys.executable, "-c", FAKE, module, *args])
    monkeypatch.delenv("FAKE_FAIL", raising=False)
    (tmp_path / "staged-docs").mkdir()
    return tmp_path


def built(project: Path, name: str) -> dict[str, object]:
    return json.loads((project / name / "index.html").read_text())


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_both_sites_are_built_strict_from_the_staged_docs_with_the_inputs_date(project: Path) -> None:
    results = site.build_sites(project, 1_714_521_600, project / "staged-docs")
    assert [r.site for r in results] == list(site.SITES)
    for config in site.SITES:
        made = built(project, config.site_dir)
        assert made["config"] == config.config and "--strict" in made["args"]  # type: ignore[operator]
        assert made["env"] == {
            "SOURCE_DATE_EPOCH": "1714521600",  # the input's date, never the clock
            "SITE_DOCS_DIR": str((project / "staged-docs").resolve()),
            "NO_MKDOCS_2_WARNING": "1",
        }
    assert all(r.changes.written == 1 and r.seconds >= 0 for r in results)
    assert not (project / "site" / "pagefind").exists()
    assert sorted(os.listdir(project)) == ["site", "site-offline", "staged-docs"]  # no staging folder left


def test_a_rebuild_of_the_same_output_writes_nothing(project: Path) -> None:
    site.build_sites(project, 0, project / "staged-docs")
    again = site.build_sites(project, 0, project / "staged-docs")
    assert [(r.changes.written, r.changes.unchanged) for r in again] == [(0, 1), (0, 1)]


@pytest.mark.parametrize("failing", [s.config for s in site.SITES])
def test_a_failed_mkdocs_build_names_its_config_and_keeps_both_previous_sites(
    project: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    site.build_sites(project, 0, project / "staged-docs")
    before = {s.site_dir: tree(project / s.site_dir) for s in site.SITES}
    monkeypatch.setenv("FAKE_FAIL", failing)
    with pytest.raises(BuildError) as caught:
        site.build_sites(project, 1, project / "staged-docs")
    assert isinstance(caught.value, UserError)  # the command line's exit 2, no traceback
    assert caught.value.file == failing
    assert str(caught.value) == (
        f"{failing}: MkDocs failed (exit 1); nothing was replaced:\n"
        "WARNING -  Doc file 'a.md' contains a link 'b.md', but the target is not found."
    )
    assert {s.site_dir: tree(project / s.site_dir) for s in site.SITES} == before  # the other one too
    assert sorted(os.listdir(project)) == ["site", "site-offline", "staged-docs"]


def test_a_failure_without_warnings_shows_the_end_of_what_mkdocs_printed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FAIL", "mkdocs.yml:quiet")
    with pytest.raises(BuildError, match=r"MkDocs failed \(exit 7\); nothing was replaced:\nx+the end\n$") as caught:
        site.build_sites(project, 0, project / "staged-docs")
    assert len(caught.value.message) < 2100
    assert not (project / "site").exists() and not (project / "site-offline").exists()  # a first build: none


def test_pagefind_indexes_the_hosted_site_only(project: Path) -> None:
    site.build_sites(project, 0, project / "staged-docs", pagefind=True)
    args = json.loads((project / "site" / "pagefind" / "pagefind.js").read_text())
    assert args[args.index("--exclude-selectors") + 1] == site.PAGEFIND_IGNORE
    assert not (project / "site-offline" / "pagefind").exists()


def test_a_failed_pagefind_run_keeps_the_previous_sites_and_says_how_to_install_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.build_sites(project, 0, project / "staged-docs")
    before = tree(project / "site")
    monkeypatch.setenv("FAKE_FAIL", "pagefind")
    with pytest.raises(BuildError) as caught:
        site.build_sites(project, 1, project / "staged-docs", pagefind=True)
    assert str(caught.value).startswith(
        "mkdocs.yml: Pagefind failed (exit 3) (install it with `pip install -r requirements.txt`); nothing was replaced"
    )
    assert tree(project / "site") == before
