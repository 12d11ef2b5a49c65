"""The sites' build (generator/site.py): MkDocs renders the hosted site strict from the staged docs with
the input's date while Pagefind indexes the hosted site's pages when asked, the offline site is
derived from the render, and any failure names its config and keeps both previous sites. MkDocs and
Pagefind are stood in for by a small script with their command lines, Pagefind's pages and the
derivation by copies (the real builds are in test_site.py, the derivation's own tests in
test_offline.py, the pages' in test_pagefind_index.py)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from generator import aside, pagefind_index, site, tethered
from generator.errors import BuildError, UserError

FAKE = r"""
import json, os, pathlib, sys, time
module, *args = sys.argv[1:]
fail = os.environ.get("FAKE_FAIL", "")
if module == "mkdocs":
    config, out = args[args.index("-f") + 1], pathlib.Path(args[args.index("-d") + 1])
    if fail == "mkdocs":
        print("INFO    -  Building documentation...")
        print("WARNING -  Doc file 'a.md' contains a link 'b.md', but the target is not found.")
        print("Aborted with 1 warnings in strict mode!")
        sys.exit(1)
    if fail == "mkdocs-quietly":
        print("x" * 3000 + "the end")
        sys.exit(7)
    if os.environ.get("FAKE_WAIT"):  # a render that ends only once Pagefind has indexed
        for _ in range(200):
            if pathlib.Path(os.environ["FAKE_WAIT"]).exists():
                break
            time.sleep(0.05)
        else:
            sys.exit("Pagefind did not run while MkDocs rendered")
    out.mkdir(parents=True, exist_ok=True)
    env = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "SITE_DOCS_DIR", "NO_MKDOCS_2_WARNING")}
    (out / "index.html").write_text(json.dumps({"config": config, "args": args, "env": env}))
elif module == "pagefind":
    if fail == "pagefind":
        print("Error: No module named pagefind_bin", file=sys.stderr)
        sys.exit(3)
    pages = pathlib.Path(args[args.index("--site") + 1])
    bundle = pathlib.Path(args[args.index("--output-path") + 1])
    bundle.mkdir()
    (bundle / "pagefind.js").write_text(json.dumps({"args": args, "pages": sorted(os.listdir(pages))}))
    if os.environ.get("FAKE_WAIT"):
        pathlib.Path(os.environ["FAKE_WAIT"]).write_text("")
"""
"""MkDocs and Pagefind as far as build_sites sees them: ``FAKE_FAIL`` makes one fail."""

STEPS: list[str] = []
"""The steps build_sites ran, in order, as its ``stage`` saw them."""


def record(name: str, work):  # type: ignore[no-untyped-def]
    STEPS.append(name)
    return work()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with staged docs; MkDocs and Pagefind replaced by ``FAKE``, the derivation
    of the offline site by a copy of the hosted one (``FAKE_FAIL=derive``: the theme's markup unknown)."""

    def derive(hosted: Path, offline: Path, docs: Path, root: Path, part: int = 0, parts: int = 1) -> None:
        if os.environ.get("FAKE_FAIL") == "derive":
            raise ValueError("index.html: the theme's scripts were not found where the offline shim goes")
        if part == 0:
            shutil.copytree(hosted, offline, dirs_exist_ok=True, ignore=shutil.ignore_patterns("pagefind"))
        (offline / f"derived-from-{part}-of-{parts}.json").write_text(json.dumps([str(docs), str(root)]))

    def pages_for(docs: Path, out: Path, root: Path, config: str) -> int:
        out.mkdir(parents=True)
        (out / "index.html").write_text(json.dumps([str(docs), config]))
        return 1

    monkeypatch.setattr(tethered, "command", lambda module, *args: [sys.executable, "-c", FAKE, module, *args])
    monkeypatch.setattr(site, "derive", derive)
    monkeypatch.setattr(site, "pages_for", pages_for)
    monkeypatch.delenv("FAKE_FAIL", raising=False)
    monkeypatch.delenv("FAKE_WAIT", raising=False)
    STEPS.clear()
    (tmp_path / "staged-docs").mkdir()
    return tmp_path


def build(project: Path, epoch: int = 0, pagefind: bool = False) -> list[site.SiteResult]:
    return site.build_sites(project, epoch, project / "staged-docs", pagefind=pagefind, stage=record)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_mkdocs_renders_the_hosted_site_strict_from_the_staged_docs_then_the_offline_site_is_derived(
    project: Path,
) -> None:
    results = build(project, 1_714_521_600)
    assert STEPS == ["mkdocs", "offline"]
    assert [r.site for r in results] == [site.HOSTED, site.OFFLINE]
    rendered = json.loads((project / "site" / "index.html").read_text())
    assert rendered["config"] == site.HOSTED.config and "--strict" in rendered["args"]
    docs = str((project / "staged-docs").resolve())
    assert rendered["env"] == {
        "SOURCE_DATE_EPOCH": "1714521600",  # the input's date, never the clock
        "SITE_DOCS_DIR": docs,
        "NO_MKDOCS_2_WARNING": "1",
    }
    assert (project / "site-offline" / "index.html").read_bytes() == (project / "site" / "index.html").read_bytes()
    for part in (0, 1):  # the derivation's two halves
        derived = json.loads((project / "site-offline" / f"derived-from-{part}-of-2.json").read_text())
        assert derived == [docs, str(project)]
    assert [r.changes.written for r in results] == [1, 3] and all(r.seconds >= 0 for r in results)
    assert not (project / "site" / "pagefind").exists()
    assert sorted(os.listdir(project)) == ["site", "site-offline", "staged-docs"]  # no staging folder left


def test_a_rebuild_of_the_same_output_writes_nothing(project: Path) -> None:
    build(project)
    assert [(r.changes.written, r.changes.removed) for r in build(project)] == [(0, 0), (0, 0)]


def test_pagefind_indexes_the_pages_written_from_docs_while_mkdocs_renders(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not aside.can_fork():
        pytest.skip("one core: Pagefind runs after the render")
    monkeypatch.setenv("FAKE_WAIT", str(project.parent / f"{project.name}-pagefind-ran"))
    began = time.perf_counter()
    build(project, pagefind=True)
    assert time.perf_counter() - began < 10
    assert STEPS == ["mkdocs", "offline", "pagefind"]
    ran = json.loads((project / "site" / "pagefind" / "pagefind.js").read_text())
    args = ran["args"]
    assert args[args.index("--exclude-selectors") + 1] == pagefind_index.IGNORE and ran["pages"] == ["index.html"]
    assert not (project / "site-offline" / "pagefind").exists()
    assert not (project / "site-offline" / site.PAGEFIND_WORK).exists()  # the pages and bundle were moved or removed


FAILURES = {
    "mkdocs": (
        "mkdocs.yml: MkDocs failed (exit 1); nothing was replaced:\n"
        "WARNING -  Doc file 'a.md' contains a link 'b.md', but the target is not found."
    ),
    "derive": (
        "mkdocs.yml: could not derive the offline site: index.html: the theme's scripts were not found where "
        "the offline shim goes; nothing was replaced"
    ),
    "pagefind": (
        "mkdocs.yml: Pagefind failed (exit 3) (install it with `pip install -r requirements.txt`); nothing was "
        "replaced:\nError: No module named pagefind_bin\n"
    ),
}


@pytest.mark.parametrize("failing", FAILURES)
def test_a_failure_names_its_config_and_keeps_both_previous_sites(
    project: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    build(project, pagefind=True)
    before = {name: tree(project / name) for name in ("site", "site-offline")}
    monkeypatch.setenv("FAKE_FAIL", failing)
    with pytest.raises(BuildError) as caught:
        build(project, 1, pagefind=True)
    assert isinstance(caught.value, UserError)  # the command line's exit 2, no traceback
    assert str(caught.value) == FAILURES[failing]
    assert {name: tree(project / name) for name in ("site", "site-offline")} == before
    assert sorted(os.listdir(project)) == ["site", "site-offline", "staged-docs"]


def test_a_mkdocs_failure_without_warnings_shows_the_end_of_what_it_printed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FAIL", "mkdocs-quietly")
    with pytest.raises(BuildError, match=r"MkDocs failed \(exit 7\); nothing was replaced:\nx+the end\n$") as caught:
        build(project)
    assert len(caught.value.message) < 2100 and STEPS == ["mkdocs"]
    assert not (project / "site").exists() and not (project / "site-offline").exists()  # a first build: none
