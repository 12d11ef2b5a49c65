"""The offline site derived from the hosted render (generator/offline.py) against the same site
rendered by MkDocs on its own (mkdocs.offline.yml, the reference): every file, byte for byte; and
the hosted and offline addresses of each page and link (generator/emit/addresses.py)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.emit import addresses

ALLOWED_DIFFERENCES: dict[str, str] = {}
"""Files of the derived site allowed to differ from the reference render, with the reason: none."""


def reference_render(project: Path, target: Path) -> Path:
    """``mkdocs build -f mkdocs.offline.yml`` of the project's docs/, with the build's date."""
    epoch = int.from_bytes((project / "site" / "sitemap.xml.gz").read_bytes()[4:8], "little")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch))
    env["SITE_DOCS_DIR"] = str(project / "docs")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.offline.yml", "-d", str(target)]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["real_site", "pagefind_site"])
def test_derived_offline_site_is_the_offline_render_byte_for_byte(fixture, request, tmp_path):
    project: Path = request.getfixturevalue(fixture)
    derived = files_under(project / "site-offline")
    rendered = files_under(reference_render(project, tmp_path / "rendered"))
    assert sorted(derived) == sorted(rendered)
    differ = sorted(name for name in derived if derived[name] != rendered[name] and name not in ALLOWED_DIFFERENCES)
    assert differ == [], differ[:20]
    assert gzip.decompress(derived["sitemap.xml.gz"]) == derived["sitemap.xml"]


ADDRESSES = [
    # source, hosted address, offline address
    ("index.md", "", "index.html"),
    ("about.md", "about/", "about.html"),
    ("topics/index.md", "topics/", "topics/index.html"),
    ("papers/some-paper.md", "papers/some-paper/", "papers/some-paper.html"),
]


@pytest.mark.parametrize(("source", "hosted", "offline"), ADDRESSES)
def test_each_source_has_its_hosted_and_offline_address(source, hosted, offline):
    assert addresses.hosted_url(source) == hosted
    assert addresses.offline_url(source) == offline
    assert source in addresses.sources(hosted) or hosted == ""


PAGES = addresses.offline_pages([source for source, _, _ in ADDRESSES])

LINKS = [
    # a link written for the hosted page, the hosted page, the offline link
    ("../other/", "papers/some-paper/", "other/"),
    ("../some-paper/", "papers/some-paper/", "some-paper.html"),
    ("../../topics/", "papers/some-paper/", "../topics/index.html"),
    ("../..", "papers/some-paper/", "../index.html"),
    ("../../about/#how", "papers/some-paper/", "../about.html#how"),
    ("../../assets/site.css?v=1", "papers/some-paper/", "../assets/site.css?v=1"),
    ("../../papers.json", "papers/some-paper/", "../papers.json"),
    (".", "", "index.html"),
    ("./", "topics/", "index.html"),
    ("papers/some-paper/", "", "papers/some-paper.html"),
    ("../papers/some-paper/", "about/", "papers/some-paper.html"),
    ("/topics/", "404.html", "/topics/index.html"),
    ("/.", "404.html", "/index.html"),
    ("https://example.org/a/", "papers/some-paper/", "https://example.org/a/"),
    ("#abstract", "papers/some-paper/", "#abstract"),
    ("mailto:a@b.c", "", "mailto:a@b.c"),
]


@pytest.mark.parametrize(("link", "page", "expected"), LINKS)
def test_a_hosted_link_becomes_the_offline_link_to_the_same_place(link, page, expected):
    offline_page = PAGES.get(page, page)
    assert addresses.offline_link(link, page, offline_page, PAGES.get) == expected
