"""Lists of papers in a real browser, hosted and from ``file://``: what each item shows, the menus that
order and narrow a topic page's list, and the timeline (grouped by year, its bars links to months,
its height bounded).

The browser, the served site and fresh pages are the fixtures of tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

from playwright.sync_api import Page, expect

from .browser import Watch, address

pytestmark = pytest.mark.browser

KINDS = ["hosted", "offline"]

TOPIC = "efficiency"
"""A broader topic of the bundled taxonomy with narrower topics and papers of several years."""

DATE = re.compile(r"^(?:[A-Z][a-z]{2} \d{1,2}, \d{4}|undated)(?: · \d+ upvotes?)?$")
"""What an item's metadata says: its date or "undated", then its upvotes when known."""

TIMELINE_MAX_HEIGHT = 6_000
"""The timeline's height in CSS px, on a desktop and a phone (13,205 and 18,661 when it had one
heading and list per month)."""

ITEMS_JS = """(list) => [...list.querySelectorAll(":scope > li")].filter((li) => !li.hidden).map((li) => ({
  title: li.querySelector("a.paper-list__title")?.textContent ?? "",
  href: li.querySelector("a.paper-list__title")?.href ?? "",
  meta: (li.querySelector(".paper-list__meta")?.textContent ?? "").trim(),
  chips: [...li.querySelectorAll(".paper-list__topics a.md-tag")].map((a) => a.href),
  summary: (li.querySelector(".paper-list__summary")?.textContent ?? "").trim(),
  date: li.dataset.date ?? "",
  upvotes: Number(li.dataset.upvotes ?? 0),
  topics: (li.dataset.topics ?? "").split(" "),
}))"""


def items(page: Page, selector: str = "ul.paper-list") -> list[dict[str, object]]:
    """The items a reader sees in the first list that ``selector`` names."""
    return page.locator(selector).first.evaluate(ITEMS_JS)


def biggest_organisation(real_site: Path) -> str:
    papers = json.loads((real_site / "site" / "papers.json").read_text("utf-8"))
    names = Counter(p["organisation"]["name"] for p in papers if p["organisation"])
    name = names.most_common(1)[0][0]
    page = next(
        path for path in (real_site / "docs" / "organisations").glob("*.md") if f"# {name}" in path.read_text("utf-8")
    )
    return f"organisations/{page.stem}/"


def target_exists(kind: str, real_site: Path, href: str) -> bool:
    """Whether a link of the site leads to a page of it."""
    root = real_site / ("site" if kind == "hosted" else "site-offline")
    path = re.sub(r"^(?:http://[^/]+/|file://)", "", href).split("#")[0]
    if kind == "hosted":
        return (root / path / "index.html").is_file() if path.endswith("/") or not path else (root / path).is_file()
    return Path(path).is_file()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("where", ["topic", "organisation", "timeline", "home"])
def test_every_list_item_shows_date_chips_and_first_sentence(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, kind: str, where: str
) -> None:
    path = {
        "topic": f"topics/{TOPIC}/",
        "organisation": biggest_organisation(real_site),
        "timeline": "timeline/",
        "home": "",
    }[where]
    page, watch = open_page()
    page.goto(address(kind, real_url, real_site, path))
    shown = items(page, "details[open] > ul.paper-list, article ul.paper-list")
    assert shown, f"{path}: no list of papers"
    for item in shown:
        title = item["title"]
        assert title, f"{path}: an item without a title: {item}"
        assert DATE.match(str(item["meta"])), f"{path}: {title!r} shows {item['meta']!r}, not a date or 'undated'"
        assert item["chips"], f"{path}: {title!r} shows no topic chips"
        assert str(item["summary"]).endswith((".", "?", "!", "…", '"', ")")), f"{path}: {title!r}: {item['summary']!r}"
        for href in [item["href"], *item["chips"]]:  # type: ignore[list-item]
            assert target_exists(kind, real_site, str(href)), f"{path}: {title!r} links to {href}, which is missing"
    assert not watch.errors, f"{path}: JavaScript errors: {watch.errors}"


def choose(page: Page, name: str, value: str) -> None:
    """Choose ``value`` in the list's menu ``name`` from the keyboard: focus it, then arrow keys."""
    menu = page.locator(f"form.paper-list-controls select[name={name}]")
    values = menu.evaluate("(select) => [...select.options].map((o) => o.value)")
    menu.focus()
    current = values.index(menu.input_value())
    target = values.index(value)
    for _ in range(abs(target - current)):
        page.keyboard.press("ArrowDown" if target > current else "ArrowUp")
    expect(menu).to_have_value(value)


@pytest.mark.parametrize("kind", KINDS)
def test_topic_menus_reorder_and_narrow_the_list(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, kind: str
) -> None:
    page, watch = open_page()
    page.goto(address(kind, real_url, real_site, f"topics/{TOPIC}/"))
    expect(page.locator("form.paper-list-controls")).to_be_visible()
    relevance = items(page)
    assert len(relevance) > 20

    choose(page, "order", "newest")
    newest = items(page)
    dates = [str(i["date"]) for i in newest]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates == dated + [""] * (len(dates) - len(dated)), (
        "newest first: dated papers by date, then the undated ones"
    )
    assert sorted(str(i["title"]) for i in newest) == sorted(str(i["title"]) for i in relevance)
    assert newest != relevance

    choose(page, "order", "upvotes")
    upvotes = [int(i["upvotes"]) for i in items(page)]  # type: ignore[call-overload]
    assert upvotes == sorted(upvotes, reverse=True) and upvotes[0] > 0

    choose(page, "order", "relevance")
    assert items(page) == relevance, "relevance brings back the order the page was written in"

    narrower = page.locator("form.paper-list-controls select[name=topic] option").nth(1).get_attribute("value")
    assert narrower
    choose(page, "topic", narrower)
    kept = items(page)
    assert kept and all(narrower in i["topics"] for i in kept)  # type: ignore[operator]
    assert len(kept) == sum(narrower in i["topics"] for i in relevance)  # type: ignore[operator]
    status = page.locator("form.paper-list-controls output")
    expect(status).to_have_text(f"{len(kept)} of {len(relevance)} papers")

    choose(page, "topic", "")
    year = str(max(str(i["date"]) for i in relevance))[:4]
    choose(page, "year", year)
    kept = items(page)
    assert kept and all(str(i["date"]).startswith(year) for i in kept)
    assert len(kept) == sum(str(i["date"]).startswith(year) for i in relevance)
    choose(page, "year", "undated")
    assert all(not i["date"] for i in items(page))
    assert not watch.errors, f"JavaScript errors: {watch.errors}"


@pytest.mark.parametrize("kind", KINDS)
def test_organisation_menus_reorder_and_narrow_the_list(
    open_page: Callable[..., tuple[Page, Watch]], organisation_site: Path, kind: str
) -> None:
    """An organisation's page has a topic page's menus: newest first (as written) or most upvoted,
    narrowed to one of its papers' topics or a year."""
    from .browser import serve

    page, watch = open_page()
    with serve(organisation_site / "site") as url:
        page.goto(address(kind, url, organisation_site, "organisations/labx/"))
        expect(page.locator("form.paper-list-controls")).to_be_visible()
        newest = items(page)
        assert len(newest) == 4, "the organisation's four papers, not the other organisation's"
        dates = [str(i["date"]) for i in newest]
        assert dates == sorted(dates, reverse=True), "the page lists them newest first"
        orders = page.locator("form.paper-list-controls select[name=order] option")
        expect(orders).to_have_text(["Newest first", "Most upvoted"])

        choose(page, "order", "upvotes")
        upvotes = [int(i["upvotes"]) for i in items(page)]  # type: ignore[call-overload]
        assert upvotes == [40, 12, 7, 3]
        choose(page, "order", "newest")
        assert items(page) == newest

        choose(page, "topic", "quantization")
        kept = items(page)
        assert [str(i["title"]).split(":")[0] for i in kept] == ["QuantLab-KV", "QuantLab-4"]
        expect(page.locator("form.paper-list-controls output")).to_have_text("2 of 4 papers")
        choose(page, "topic", "")
        choose(page, "year", "2024")
        assert [str(i["title"]).split(":")[0] for i in items(page)] == ["SpeechLab"]
    assert not watch.errors, f"JavaScript errors: {watch.errors}"


def test_without_script_the_list_shows_most_relevant_first(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path
) -> None:
    page, _ = open_page(java_script_enabled=False)
    page.goto(address("hosted", real_url, real_site, f"topics/{TOPIC}/"))
    expect(page.locator("form.paper-list-controls")).to_be_hidden()
    written = re.findall(r'class="paper-list__title" href="[^"]*/papers/([^"/]+)/"', page.content())
    markdown = (real_site / "docs" / "topics" / f"{TOPIC}.md").read_text("utf-8")
    assert written == re.findall(r'class="paper-list__title" href="\.\./\.\./papers/([^"/]+)/"', markdown)
    assert page.locator("ul.paper-list > li:visible").count() == len(written)


@pytest.mark.parametrize("kind", KINDS)
def test_timeline_bars_are_links_to_months_that_open(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, kind: str
) -> None:
    page, watch = open_page()
    page.goto(address(kind, real_url, real_site, "timeline/"))
    bars = page.locator("figure.timeline-chart svg a")
    targets = bars.evaluate_all("(links) => links.map((a) => a.getAttribute('xlink:href') || a.getAttribute('href'))")
    assert len(targets) > 10
    for target in targets:
        assert target.startswith("#") and page.locator(f"[id='{target[1:]}']").count() == 1, f"bar to {target}"
        assert page.locator(f"[id='{target[1:]}']").evaluate("(e) => e.tagName") == "DETAILS"
    oldest = page.locator(f"[id='{targets[0][1:]}']")
    assert oldest.evaluate("(month) => !month.open"), "the oldest month starts closed"
    bars.first.focus()
    page.keyboard.press("Enter")
    expect(oldest).to_have_attribute("open", "")
    expect(oldest.locator("ul.paper-list > li").first).to_be_in_viewport()
    assert not watch.errors, f"JavaScript errors: {watch.errors}"


@pytest.mark.parametrize("width", [1280, 375])
def test_timeline_height_is_bounded(open_page: Callable[..., tuple[Page, Watch]], real_url: str, width: int) -> None:
    page, _ = open_page(viewport={"width": width, "height": 800})
    page.goto(real_url + "timeline/")
    page.wait_for_load_state("load")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= TIMELINE_MAX_HEIGHT, f"the timeline is {height} px tall at {width} px"
