"""The real site, built from the bundled listings with --strict, checked as a user would, with what
the MkDocs hooks add (generator/mkdocs_hooks.py). The builds alone (generator/site.py) are tested in
test_site_builds.py."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.topics import load_taxonomy
from tests.conftest import copy_project, run_generator

pytestmark = pytest.mark.slow


def records(project: Path) -> list[dict]:
    return json.loads((project / "site" / "papers.json").read_text(encoding="utf-8"))


def tree_digest(folder: Path, with_inode: bool = False) -> dict[str, tuple[str, int, int]]:
    """Every file: hash of its bytes, modification time in ns, and its inode (0 unless ``with_inode``)."""
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
            p.stat().st_ino if with_inode else 0,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_summary_counts_the_bundled_corpus(real_site):
    docs = real_site / "docs"
    assert len(list((docs / "papers").glob("*.md"))) == 446
    assert len(records(real_site)) == 446
    assert (real_site / "site" / "index.html").is_file() and (real_site / "site-offline" / "index.html").is_file()


def test_papers_json_agrees_with_the_built_pages(real_site):
    site = real_site / "site"
    slugs = {r["slug"] for r in records(real_site)}
    for record in records(real_site):
        page = site / record["url"] / "index.html"
        assert page.is_file(), f"{record['url']} has no page"
        text = page.read_text(encoding="utf-8")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        assert heading and html.unescape(heading[1]) == record["title"], record["title"]
        for related in record["related"]:
            assert related in slugs and f'href="../{related}/"' in text, (record["slug"], related)
        for tag in record["tags"]:
            assert tag.replace("&", "&amp;") in text
        assert record["sources"] and all(re.match(r"^data/listings/[\w.-]+\.txt:\d+$", s) for s in record["sources"])


def test_every_paper_has_a_topic_and_topic_pages_list_them(real_site):
    site = real_site / "site"
    for record in records(real_site):
        assert 1 <= len(record["tags"]) <= 5
        for topic in record["topic_slugs"]:
            assert f"../papers/{record['slug']}/" in (site / "topics" / topic / "index.html").read_text()


def test_broader_topic_pages_count_and_list_their_narrower_topics_papers(real_site):
    """A topic's count and page cover its family: the papers whose topics (with their broader ones,
    as papers.json lists them) include it."""
    taxonomy = load_taxonomy(real_site / "data" / "topics.yml")
    broader = {t.parent for t in taxonomy.topics if t.parent}
    assert broader, "the bundled taxonomy has narrower topics"
    home = (real_site / "site" / "index.html").read_text(encoding="utf-8")
    for topic in taxonomy.topics:
        family = [r for r in records(real_site) if topic.name in r["topics"]]
        own = [r for r in family if topic.slug in r["topic_slugs"]]
        text = (real_site / "site" / "topics" / topic.slug / "index.html").read_text(encoding="utf-8")
        for record in family:
            assert f"../papers/{record['slug']}/" in text, (topic.slug, record["slug"])
        name = html.escape(topic.name)
        if topic.slug in broader:
            assert len(family) > len(own)
            assert (
                f"<strong>{len(family)} papers</strong> in {name} and its narrower topics, {len(own)} of them" in text
            )
        if topic.parent is None:
            assert f'href="topics/{topic.slug}/">{name}</a></strong> · {len(family)} paper' in home


def test_paper_pages_stay_small_and_out_of_the_navigation(real_site):
    pages = list((real_site / "site" / "papers").glob("*/index.html"))
    largest = max(pages, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size <= 25_000, f"{largest} is {largest.stat().st_size} bytes"
    home = (real_site / "site" / "index.html").read_text()
    assert home.count('class="md-nav__link"') < 20


@pytest.mark.parametrize(("config", "site"), [("mkdocs.yml", "site"), ("mkdocs.offline.yml", "site-offline")])
def test_blocks_rendered_once_per_build_change_no_page(real_site, tmp_path, config, site):
    # Paper pages render their header, navigation, footer and scripts once per build
    # (overrides/paper.html, `memo` in generator/mkdocs_hooks.py); rendered on every page instead,
    # every page comes out the same.
    inherit = config
    config = real_site / f"every-page.{inherit}"
    config.write_text(f"INHERIT: {inherit}\nextra:\n  memo: false\n", encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config.name, "-d", str(tmp_path / "site")]
    subprocess.run(command, cwd=real_site, env=env, check=True, timeout=600)
    built = {p.relative_to(real_site / site): p for p in (real_site / site).rglob("*.html")}
    assert len(built) > 446 and built.keys() == {
        p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*.html")
    }
    changed = [str(name) for name, p in built.items() if p.read_bytes() != (tmp_path / "site" / name).read_bytes()]
    assert not changed, changed[:5]


_HREF = re.compile(r'<a [^>]*?href="([^"#?]*)[^"]*"')


@pytest.mark.parametrize("site", ["site", "site-offline"])
def test_every_link_between_pages_leads_to_a_page(real_site, site):
    root = real_site / site
    broken = []
    for page in root.rglob("*.html"):
        for href in _HREF.findall(page.read_text(encoding="utf-8")):
            if not href or re.match(r"^[a-z]+:", href):
                continue  # the same page, or another site (code and project buttons)
            base = root if href.startswith("/") else page.parent  # 404.html links from the site's root
            target = (base / html.unescape(href).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(root)} -> {href}")
    assert not broken, broken[:10]


class _Loads(HTMLParser):
    """Addresses a page makes the browser fetch: scripts, styles, icons, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and a.get("src"):
            self.urls.append(a["src"] or "")
        rel = (a.get("rel") or "").lower()
        if tag == "link" and rel in ("stylesheet", "icon", "preload", "preconnect", "modulepreload", "manifest"):
            self.urls.append(a.get("href") or "")


def test_no_page_loads_anything_from_another_host(real_site):
    for folder in ("site", "site-offline"):
        for page in (real_site / folder).rglob("*.html"):
            parser = _Loads()
            text = page.read_text(encoding="utf-8")
            parser.feed(text)
            foreign = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
            assert not foreign, f"{page} loads {foreign}"
            assert "fonts.googleapis" not in text and "unpkg.com" not in text


@pytest.mark.parametrize("fixture", ["real_site", "hostile_site"])
def test_every_feed_and_sitemap_is_well_formed_xml(fixture, request):
    project = request.getfixturevalue(fixture)
    files = [p for site in ("site", "site-offline") for p in sorted((project / site).glob("*.xml"))]
    assert any(p.name.startswith("feed_rss_") for p in files)
    for path in files:
        root = ElementTree.parse(path).getroot()  # raises on a character XML forbids
        assert root.tag in {"rss", "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"}, path


def test_offline_site_inlines_the_search_index_and_serves_the_shim_locally(real_site):
    offline = real_site / "site-offline"
    assert (offline / "search" / "search_index.js").read_text().startswith("var __index = ")
    assert (offline / "assets" / "javascripts" / "iframe-worker-shim.js").is_file()
    index = (offline / "index.html").read_text()
    assert 'src="assets/javascripts/iframe-worker-shim.js"' in index
    assert 'href="topics/index.html"' in index  # links work without a server


def test_rebuilding_the_same_input_rewrites_nothing(real_site):
    outputs = ("docs", "site", "site-offline")
    before = {name: tree_digest(real_site / name, with_inode=True) for name in outputs}
    result = run_generator(real_site, "build")
    assert result.returncode == 0, result.stderr
    for name in outputs:
        assert f"{name}/: 0 written" in result.stderr, result.stderr
        after = tree_digest(real_site / name, with_inode=True)
        touched = sorted(n for n in after.keys() | before[name].keys() if after.get(n) != before[name].get(n))
        assert touched == [], (
            f"{name}/: {len(touched)} files rewritten, added or removed on an identical rebuild: {touched[:10]}"
        )


def test_same_input_gives_byte_identical_docs_in_another_folder(real_site, tmp_path):
    other = copy_project(tmp_path / "again")
    assert run_generator(other, "build", "--no-site").returncode == 0
    first = {k: v[0] for k, v in tree_digest(real_site / "docs").items()}
    second = {k: v[0] for k, v in tree_digest(other / "docs").items()}
    assert first == second


def test_check_reports_and_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "p")
    result = run_generator(project, "check")
    assert result.returncode == 0, result.stderr
    assert "494 entries read, 48 duplicates merged, 1 warning, 446 papers, 38 topics" in result.stderr
    assert "nothing written" in result.stderr
    assert not (project / "docs").exists() and not (project / "site").exists()


def test_links_are_real_canonical_addresses(real_site):
    """Issue 13: a placeholder address (``bertin-project{URL}``) is no button; mirror links show huggingface.co."""
    urls = {link["url"] for r in records(real_site) for link in r["links"]}
    assert not [u for u in urls if "b-61j.pages.dev" in u or "{" in u]
    assert "https://huggingface.co/ibm-granite/granite-speech-3.3-2b" in urls  # listed as b-61j.pages.dev
    bertin = next(r for r in records(real_site) if r["title"].startswith("BERTIN"))
    assert bertin["links"] == [] and "bertin-project{URL}" in bertin["abstract"]
