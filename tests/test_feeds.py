"""RSS feeds of topics and organisations (their items chosen by generator/emit/render.py, the feeds written by
generator/mkdocs_hooks.py): valid XML, newest first, absolute links, linked from the page's head."""

from __future__ import annotations

import datetime as dt
import os
import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from unittest import mock
from urllib.parse import urljoin
from xml.etree import ElementTree

import pytest

from generator.emit.render import FEED_ITEMS, _feed
from generator.model import Paper, Slug, Source
from tests.conftest import FIXTURES, copy_project, run_generator

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/lit/"
"""Where the test site says it is hosted (``SITE_URL``, as the Pages workflow sets it)."""

QUANTIZATION = FEED_ITEMS + 5
"""How many dated quantization papers the listing holds: more than a feed keeps."""

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 forbids (those a listing can carry)."""

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_listing() -> str:
    """A metadata-layout listing: quantization papers on distinct days of 2025, all from one
    organisation, one title with a control character and U+FFFF; the organisation's name too."""
    lines = ["Daily Papers", ""]
    for n in range(QUANTIZATION):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=3 * n)
        title = f"Quantization Study {n}" if n != 7 else "Control\x01 Character and \uffff Noncharacter Quantization"
        words = " ".join(f"q{n}x{k}" for k in range(25))
        abstract = f"We quantize the weights of language models to 4-bit with quantization-aware training: {words}."
        organisation = "qlab Quant\x01 Lab\uffff" if n % 2 else "  • 3 authors"
        lines += [title, "", abstract, "", organisation, "·", f"{day:%b} {day.day}, {day.year}", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built from the small layout fixtures and ``feed_listing``, hosted at ``SITE_URL``."""
    project = copy_project(tmp_path_factory.mktemp("feeds"), FIXTURES / "layout-metadata.txt")
    (project / "data" / "listings" / "quantization.txt").write_text(feed_listing(), encoding="utf-8")
    with mock.patch.dict(os.environ, {"SITE_URL": SITE_URL}):
        result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    return project


def feeds(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if p.name != "sitemap.xml")


def head_feed_links(page: Path) -> list[tuple[str, str]]:
    """``(title, href)`` of each RSS ``<link rel="alternate ...">`` in the page's head."""
    head = page.read_text(encoding="utf-8").split("</head>")[0]
    links = re.findall(r"<link ([^>]*)>", head)
    found = []
    for attributes in links:
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
        if "alternate" in attrs.get("rel", "").split() and attrs.get("type") == "application/rss+xml":
            found.append((attrs.get("title", ""), attrs["href"]))
    return found


def test_a_feed_title_drops_what_xml_forbids():
    paper = Paper(Slug("p"), "p", "P", "A.", (Source("a.txt", 1),), date=dt.date(2025, 1, 1))
    feed = _feed("Newest papers on Control\x01 Topic \uffff\x0b", [paper])
    assert feed == {"title": "Newest papers on Control Topic", "papers": ["p"]}


def test_every_feed_is_rss_with_absolute_links_to_pages_that_exist(feed_site):
    site = feed_site / "site"
    found = feeds(site)
    assert {"topics/quantization.xml", "organisations/qlab.xml", "feed_rss_created.xml"} <= {
        p.relative_to(site).as_posix() for p in found
    }
    for path in found:
        text = path.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), path
        channel = ElementTree.fromstring(text).find("channel")
        assert channel is not None, path
        if path.parent != site:  # a topic's or an organisation's feed
            relative = path.relative_to(site).with_suffix("").as_posix()
            assert channel.findtext("link") == f"{SITE_URL}{relative}/"
            self_link = channel.find(f"{ATOM}link")
            assert self_link is not None and self_link.get("href") == f"{SITE_URL}{relative}.xml"
            assert (site / relative / "index.html").is_file()
        for item in channel.findall("item"):  # none in a topic without dated papers
            link = item.findtext("link") or ""
            assert link.startswith(f"{SITE_URL}papers/") and item.findtext("guid") == link, link
            assert (site / link.removeprefix(SITE_URL) / "index.html").is_file(), link


def test_items_are_the_newest_dated_papers_newest_first(feed_site):
    channel = ElementTree.parse(feed_site / "site" / "topics" / "quantization.xml").getroot().find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == FEED_ITEMS
    dates = [parsedate_to_datetime(item.findtext("pubDate") or "") for item in items]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    newest = dt.date(2025, 1, 1) + dt.timedelta(days=3 * (QUANTIZATION - 1))
    assert dates[0].date() == newest
    assert items[-1].findtext("title") == f"Quantization Study {QUANTIZATION - FEED_ITEMS}"


def test_control_characters_never_reach_a_feed(feed_site):
    site = feed_site / "site"
    organisation = ElementTree.parse(site / "organisations" / "qlab.xml").getroot()
    assert organisation.findtext("channel/title") == "Newest papers of Quant Lab"
    titles = [t.text for t in ElementTree.parse(site / "topics" / "quantization.xml").getroot().iter("title")]
    assert "Control Character and Noncharacter Quantization" in titles


def test_topic_and_organisation_pages_link_their_feed_in_the_head(feed_site):
    site = feed_site / "site"
    pages = sorted(site.glob("topics/*/index.html")) + sorted(site.glob("organisations/*/index.html"))
    assert len(pages) > 3
    for page in pages:
        folder = page.parent.relative_to(site).as_posix()
        own = [
            (title, href)
            for title, href in head_feed_links(page)
            if not href.endswith(("_created.xml", "_updated.xml"))
        ]
        assert len(own) == 1, f"{folder}: {head_feed_links(page)}"
        title, href = own[0]
        assert urljoin(f"{SITE_URL}{folder}/", href) == f"{SITE_URL}{folder}.xml"
        assert (site / f"{folder}.xml").is_file()
        channel_title = ElementTree.parse(site / f"{folder}.xml").getroot().findtext("channel/title")
        assert title == channel_title
    assert head_feed_links(site / "topics" / "quantization" / "index.html")[-1][0] == "Newest papers on Quantization"


def test_the_offline_site_has_no_feed_to_link(feed_site):
    offline = feed_site / "site-offline"
    assert not feeds(offline)
    for page in [*offline.glob("topics/*.html"), *offline.glob("organisations/*.html")]:
        assert not head_feed_links(page), page


def test_a_citation_names_the_hosted_address_on_both_sites(feed_site):
    slug = "quantization-study-3"
    for page in (f"site/papers/{slug}/index.html", f"site-offline/papers/{slug}.html"):
        text = (feed_site / page).read_text(encoding="utf-8")
        assert f"  url = {{{SITE_URL}papers/{slug}/}},\n}}</code>" in text, page
        assert f"Quantization Study 3. 2025. Quant Lab. {SITE_URL}papers/{slug}/</code>" in text, page
