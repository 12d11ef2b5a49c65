"""Build the MkDocs sites from docs/: the hosted one and the offline one, side by side."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import tethered
from .errors import BuildError
from .write import Changes, is_disk_full, no_space, staged_folder


@dataclass(frozen=True)
class SiteConfig:
    """One MkDocs build of the project."""

    config: str
    """The MkDocs configuration file, relative to the project root."""
    site_dir: str
    """The folder it builds, relative to the project root."""


SITES = (SiteConfig("mkdocs.yml", "site"), SiteConfig("mkdocs.offline.yml", "site-offline"))
"""The hosted site and the offline site."""


@dataclass(frozen=True)
class SiteResult:
    """What one MkDocs build did."""

    site: SiteConfig
    """The build."""
    changes: Changes
    """Files written, kept and removed in its folder."""
    seconds: float
    """Wall time of the MkDocs run."""


PAGEFIND_SITE = "site"
"""The build Pagefind indexes when it answers the search box (the offline site cannot use it)."""

PAGEFIND_IGNORE = ".paper-related, .paper-mentioned-by, .paper-sources"
"""Parts of a paper page Pagefind leaves out of the index: other papers' titles, listing files."""


def build_sites(
    root: Path,
    epoch: int,
    docs_dir: Path | None = None,
    sites: tuple[SiteConfig, ...] = SITES,
    pagefind: bool = False,
) -> list[SiteResult]:
    """Run every MkDocs build at once (``--strict``); swap the folders in only if all succeed.

    ``epoch`` (seconds) is the build date MkDocs writes into the sitemap: taken from the input, not
    the clock, so the same input gives the same site. ``docs_dir`` is where the Markdown is (the
    configs read it from SITE_DOCS_DIR; default docs/). ``pagefind``: index the hosted site with
    Pagefind (PyPI ``pagefind[bin]``) once MkDocs has built it, into its ``pagefind/`` folder.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", SOURCE_DATE_EPOCH=str(epoch))
    if docs_dir is not None:
        env["SITE_DOCS_DIR"] = str(docs_dir.resolve())
    results = []
    with contextlib.ExitStack() as stack:
        stages = [stack.enter_context(staged_folder(root / s.site_dir)) for s in sites]
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                tethered.command("mkdocs", "build", "--strict", "-f", s.config, "-d", str(stage.path)),
                cwd=root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for s, stage in zip(sites, stages, strict=True)
        ]
        timings = []
        try:
            for site, process in zip(sites, processes, strict=True):
                output, _ = process.communicate()
                timings.append(time.perf_counter() - started)
                if process.returncode != 0:
                    if is_disk_full(output):
                        raise no_space(root / site.site_dir)
                    lines = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
                    detail = "\n".join(lines[-20:]) or output[-2000:]
                    raise BuildError(
                        f"MkDocs failed (exit {process.returncode}); nothing was replaced:\n{detail}", site.config
                    )
                if pagefind and site.site_dir == PAGEFIND_SITE:
                    _run_pagefind(root, stages[sites.index(site)].path, site.config)
        finally:
            for process in processes:  # on a failure or Ctrl-C, stop the other build too
                if process.poll() is None:
                    process.kill()
                    process.wait()
    for site, stage, seconds in zip(sites, stages, timings, strict=True):
        assert stage.changes is not None
        results.append(SiteResult(site, stage.changes, seconds))
    return results


def _run_pagefind(root: Path, site_dir: Path, config: str) -> None:
    """Index a built site with Pagefind; its bundle goes to ``pagefind/`` in the site."""
    command = tethered.command("pagefind", "--site", str(site_dir), "--output-subdir", "pagefind")
    command += ["--exclude-selectors", PAGEFIND_IGNORE, "--silent"]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    except OSError as error:
        raise BuildError(f"could not run Pagefind ({error}); nothing was replaced", config) from error
    if result.returncode != 0:
        if is_disk_full(result.stderr + result.stdout):
            raise no_space(site_dir.parent / PAGEFIND_SITE)
        detail = (result.stderr or result.stdout)[-2000:]
        hint = " (install it with `pip install -r requirements.txt`)" if "No module named" in detail else ""
        raise BuildError(f"Pagefind failed (exit {result.returncode}){hint}; nothing was replaced:\n{detail}", config)
