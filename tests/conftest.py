"""Shared fixtures: real builds of the project in temporary copies, so tests never touch the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .browser import Watch

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_FILES = ("generator", "data", "overrides", "mkdocs.yml", "mkdocs.offline.yml")


def copy_project(target: Path, listings: Path | None = None) -> Path:
    """A copy of the project in ``target`` (node_modules linked), optionally with other listings."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    if listings is not None:
        shutil.rmtree(target / "data" / "listings")
        (target / "data" / "listings").mkdir()
        for path in sorted(listings.glob("*")) if listings.is_dir() else [listings]:
            shutil.copy2(path, target / "data" / "listings" / path.name)
    return target


def run_generator(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m generator ARGS`` in a project folder as a user would."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built from the bundled listings: docs/, site/ and site-offline/."""
    project = copy_project(tmp_path_factory.mktemp("real"))
    result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built from a listing whose titles and abstracts attack Markdown, YAML and HTML."""
    project = copy_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "hostile.txt")
    result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled listings built with Pagefind answering the hosted site's search box (what a
    collection past 1,500 papers gets)."""
    project = copy_project(tmp_path_factory.mktemp("pagefind"))
    result = run_generator(project, "build", "--search", "pagefind")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def unicode_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built from papers whose titles hold Greek letters, superscripts, fullwidth
    letters, accents, CJK and dashes (tests/fixtures/unicode-search.txt)."""
    project = copy_project(tmp_path_factory.mktemp("unicode"), FIXTURES / "unicode-search.txt")
    result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def unicode_pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same papers with Pagefind answering the hosted site's search box."""
    project = copy_project(tmp_path_factory.mktemp("unicode-pagefind"), FIXTURES / "unicode-search.txt")
    result = run_generator(project, "build", "--search", "pagefind")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def organisation_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built from a listing that credits four papers of several years, topics and upvotes
    to one organisation (tests/fixtures/organisation-lists.txt): the bundled ones have one paper each."""
    project = copy_project(tmp_path_factory.mktemp("organisation"), FIXTURES / "organisation-lists.txt")
    result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    return project


# --- the browser tests' shared fixtures (test_browser*.py); Playwright is imported only when used ---------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the session."""
    pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    from .browser import chromium, chromium_path

    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: `make test` installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    """The hosted build of the hostile listing, served on 127.0.0.1."""
    from .browser import serve

    with serve(hostile_site / "site") as url:
        yield url


@pytest.fixture(scope="session")
def real_url(real_site: Path) -> Iterator[str]:
    """The hosted build of the bundled listings, served on 127.0.0.1."""
    from .browser import serve

    with serve(real_site / "site") as url:
        yield url


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., tuple[Page, Watch]]]:
    """Open a page in a fresh browser context (optionally with a given viewport); closed after the test."""
    from .browser import Watch

    contexts = []

    def _open(**options: Any) -> tuple[Page, Watch]:
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        return page, Watch().attach(page)

    yield _open
    for context in contexts:
        context.close()
