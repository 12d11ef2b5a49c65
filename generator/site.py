"""Build the sites from docs/: MkDocs renders the hosted one (Pagefind indexes pages written from docs/
meanwhile, generator/pagefind_index.py), the offline one is derived from it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from . import pagefind_index, tethered
from .aside import Aside, Usage
from .errors import BuildError, yaml_problem
from .offline import derive
from .pagefind_index import pages_for
from .write import Changes, is_disk_full, no_space, staged_folder

T = TypeVar("T")


@dataclass(frozen=True)
class SiteConfig:
    """One site the build makes."""

    config: str
    """The MkDocs configuration file it comes from, relative to the project root."""
    site_dir: str
    """Its folder, relative to the project root."""


HOSTED = SiteConfig("mkdocs.yml", "site")
"""The hosted site: MkDocs renders it."""

OFFLINE = SiteConfig("mkdocs.yml", "site-offline")
"""The offline site: derived from the hosted one (generator/offline.py). ``mkdocs.offline.yml``
renders the same site with MkDocs alone: the reference the tests compare it with."""

SITES = (HOSTED, OFFLINE)
"""The hosted site and the offline site."""


@dataclass(frozen=True)
class SiteResult:
    """What one site's build did."""

    site: SiteConfig
    """The build."""
    changes: Changes
    """Files written, kept and removed in its folder."""
    seconds: float
    """Wall time of its build (the hosted one's: MkDocs; the offline one's: its derivation)."""


PAGEFIND_SITE = "site"
"""The build Pagefind indexes when it answers the search box (the offline site cannot use it)."""

PAGEFIND_WORK = ".pagefind"
"""Where Pagefind's pages and bundle are made, in the offline site's staging folder."""

Stage = Callable[[str, Callable[[], T]], T]
"""Runs one step of the build, timing it (``run.Run.stage``)."""


class _AnyTags(yaml.SafeLoader):
    """YAML with MkDocs's tags (``!ENV``, ``!!python/name:``) read as nothing: only the syntax matters here."""


_AnyTags.add_multi_constructor("", lambda loader, suffix, node: None)


def check_config(root: Path) -> None:
    """Stop at once (before the generator's stages) when the sites' MkDocs configuration is missing
    or is not YAML; MkDocs checks the rest of it when it renders."""
    path = root / HOSTED.config
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = "is missing" if isinstance(error, FileNotFoundError) else f"cannot be read ({error})"
        raise BuildError(
            f"the sites' MkDocs configuration {reason}; put it back (or build with --no-site); nothing was built",
            HOSTED.config,
        ) from None
    try:
        yaml.load(text, Loader=_AnyTags)  # a safe loader: unknown tags read as nothing
    except yaml.YAMLError as error:
        problem, line = yaml_problem(error, text)
        raise BuildError(
            f"invalid YAML: {problem}; fix it and run again; nothing was built", HOSTED.config, line
        ) from None


def _run(name: str, work: Callable[[], T]) -> T:
    return work()


def build_sites(
    root: Path,
    epoch: int,
    docs_dir: Path | None = None,
    pagefind: bool = False,
    stage: Stage[Any] = _run,
    aside_done: Callable[[str, Usage], None] | None = None,
) -> list[SiteResult]:
    """Render the hosted site with MkDocs (``--strict``), derive the offline site from it; swap both
    folders in only if both succeed.

    ``epoch`` (seconds) is the build date MkDocs writes into the sitemap: taken from the input, not
    the clock, so the same input gives the same site. ``docs_dir`` is where the Markdown is (the
    config reads it from SITE_DOCS_DIR; default docs/). ``pagefind``: index the hosted site's pages
    with Pagefind (PyPI ``pagefind[bin]``) into its ``pagefind/`` folder; the pages Pagefind reads are
    written from docs/ (generator/pagefind_index.py), so it runs in a second process while MkDocs
    renders. ``stage`` runs each step (``mkdocs``, ``offline``, ``pagefind``: what is left of
    Pagefind's run after the derivation), timing it; ``aside_done`` hears of the one run beside them
    (``pagefind index``) when it is done.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", SOURCE_DATE_EPOCH=str(epoch))
    docs = (docs_dir or root / "docs").resolve()
    env["SITE_DOCS_DIR"] = str(docs)
    with contextlib.ExitStack() as stack:
        hosted, offline = (stack.enter_context(staged_folder(root / s.site_dir)) for s in SITES)
        # Pagefind's pages and bundle are made in the offline site's staging folder (MkDocs empties the
        # hosted one when it starts): a failed or killed build's are removed with it.
        work = offline.path / PAGEFIND_WORK
        began = time.perf_counter()
        indexing = stack.enter_context(Aside(lambda: _index(docs, work, root))) if pagefind else None
        stage("mkdocs", lambda: _mkdocs(root, hosted.path, env))
        rendered = time.perf_counter()
        try:
            stage("offline", lambda: _derive(hosted.path, offline.path, docs, root))
        except OSError as error:
            if is_disk_full(error):
                raise no_space(root / OFFLINE.site_dir) from None
            raise BuildError(
                f"could not write the offline site ({error}); nothing was replaced", OFFLINE.config
            ) from None
        except ValueError as error:  # the theme's markup is not what the derivation knows
            raise BuildError(
                f"could not derive the offline site: {error}; nothing was replaced", OFFLINE.config
            ) from None
        derived = time.perf_counter()
        if indexing is not None:
            stage("pagefind", lambda: _finish_pagefind(indexing, root, work, hosted.path))
            if aside_done is not None and indexing.usage is not None and indexing.usage.forked:
                aside_done("pagefind index", indexing.usage)
        finished = time.perf_counter()
    assert hosted.changes is not None and offline.changes is not None
    return [
        SiteResult(HOSTED, hosted.changes, rendered - began + (finished - derived)),
        SiteResult(OFFLINE, offline.changes, derived - rendered),
    ]


def _derive(hosted: Path, offline: Path, docs: Path, root: Path) -> None:
    """Derive the offline site, its pages shared between this process and a second one."""
    with Aside(lambda: derive(hosted, offline, docs, root, part=1, parts=2)) as other:
        derive(hosted, offline, docs, root, part=0, parts=2)
        other.result()


def _mkdocs(root: Path, site_dir: Path, env: dict[str, str]) -> None:
    """Render the hosted site into ``site_dir``."""
    command = tethered.command("mkdocs", "build", "--strict", "-f", HOSTED.config, "-d", str(site_dir))
    process = subprocess.run(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if process.returncode != 0:
        output = process.stdout
        if is_disk_full(output):
            raise no_space(root / HOSTED.site_dir)
        lines = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
        detail = "\n".join(lines[-20:]) or output[-2000:]
        raise BuildError(f"MkDocs failed (exit {process.returncode}); nothing was replaced:\n{detail}", HOSTED.config)


PAGEFIND_THREADS = "1"
"""Pagefind's worker threads (``RAYON_NUM_THREADS``): one, so that beside the render, on two cores,
Pagefind keeps to the core the render leaves (the render is what the build waits for)."""


def _index(docs: Path, work: Path, root: Path) -> subprocess.CompletedProcess[str]:
    """Write the pages Pagefind reads into ``work/pages`` and index them into ``work/pagefind``; the
    pages are removed once indexed."""
    try:
        pages_for(docs, work / "pages", root, HOSTED.config)
        command = pagefind_index.command(work / "pages", work / "pagefind")
        env = dict(os.environ, RAYON_NUM_THREADS=PAGEFIND_THREADS)
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    finally:
        shutil.rmtree(work / "pages", ignore_errors=True)


def _finish_pagefind(
    indexing: Aside[subprocess.CompletedProcess[str]],
    root: Path,
    work: Path,
    site_dir: Path,
) -> None:
    """Wait for Pagefind and put its bundle into the hosted site; a failure is the build's."""
    try:
        process = indexing.result()
    except OSError as error:
        if is_disk_full(error):
            raise no_space(root / PAGEFIND_SITE) from None
        raise BuildError(f"could not run Pagefind ({error}); nothing was replaced", HOSTED.config) from None
    if process.returncode != 0:
        if is_disk_full(process.stderr + process.stdout):
            raise no_space(root / PAGEFIND_SITE)
        detail = (process.stderr or process.stdout)[-2000:]
        hint = " (install it with `pip install -r requirements.txt`)" if "No module named" in detail else ""
        raise BuildError(
            f"Pagefind failed (exit {process.returncode}){hint}; nothing was replaced:\n{detail}", HOSTED.config
        )
    try:
        os.replace(work / "pagefind", site_dir / "pagefind")
        work.rmdir()
    except OSError as error:
        raise BuildError(f"could not place Pagefind's index ({error}); nothing was replaced", HOSTED.config) from None
