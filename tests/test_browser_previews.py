"""Previews of papers in a real browser: hovering, focusing or (on a phone) tapping the button beside
a link to a paper shows its title, date, topics and first sentence, on the hosted site and from
``file://``, with nothing run from listing text and no request to another host.

The built sites and the browser are the suite's shared fixtures (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

from playwright.sync_api import Locator, Page, expect

from generator.emit.lists import first_sentence

from .browser import PAGE_H1, Watch, address, foreign_requests, normalise_space
from .test_browser import PWNED_JS, SCRIPT_TITLE

pytestmark = pytest.mark.browser

PREVIEW = "#paper-preview"
SHOWN = "#paper-preview:not([hidden])"
BUTTON = ".paper-preview-button"
PAPER = re.compile(r"papers/([a-z0-9-]+)(?:/|\.html)")

QLORA = "qlora-efficient-finetuning-of-quantized-llms"
AWQ = "awq-activation-aware-weight-quantization-for-llm-compression-and-acceleration"
GPTQ = "gptq-accurate-post-training-quantization-for-generative-pre-trained-transformers"

ANY_PAPER_LINK = ".md-content a[href*='papers/']"
"""A link to a paper in a page's content, whatever the markup of the list around it."""

# (page as a path of the hosted site, the link to hover): every kind of link to a paper.
LINKS = [
    pytest.param(f"papers/{QLORA}/", "ul.paper-related a", id="related"),
    pytest.param(f"papers/{GPTQ}/", "ul.paper-mentioned-by a", id="mentioned-by"),
    pytest.param(f"papers/{AWQ}/", "h2#abstract + p a[href*='gptq']", id="inline-mention"),
    pytest.param("", ANY_PAPER_LINK, id="home-list"),
    pytest.param("topics/quantization/", ANY_PAPER_LINK, id="topic-list"),
    pytest.param("timeline/", ANY_PAPER_LINK, id="timeline-list"),
    pytest.param("organisations/openbmb/", ANY_PAPER_LINK, id="organisation-list"),
]


def records(project: Path) -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in json.loads((project / "site" / "papers.json").read_text("utf-8"))}


def expected(record: dict[str, Any]) -> tuple[str, str, str]:
    """What a paper's preview shows: title, the date (or "undated") and topics, first sentence."""
    date = dt.date.fromisoformat(record["date"]) if record["date"] else None
    facts = [f"{date:%b} {date.day}, {date.year}" if date else "undated"]
    if record["tags"]:
        facts.append(", ".join(record["tags"]))
    return record["title"], " · ".join(facts), first_sentence(record["abstract"])


def target(link: Locator) -> str:
    href = link.evaluate("(a) => a.href")
    found = PAPER.search(href)
    assert found, f"test premise: {href} is not a link to a paper"
    return found[1]


def assert_preview_of(page: Page, record: dict[str, Any], where: str) -> None:
    title, facts, sentence = expected(record)
    preview = page.locator(SHOWN)
    expect(preview, f"{where}: no preview shows").to_be_visible()
    expect(preview, f"{where}: the preview is not a tooltip").to_have_attribute("role", "tooltip")
    expect(preview.locator(".paper-preview__title"), f"{where}: wrong title").to_have_text(title)
    expect(preview.locator(".paper-preview__meta"), f"{where}: wrong date or topics").to_have_text(facts)
    expect(preview.locator(".paper-preview__text"), f"{where}: wrong first sentence").to_have_text(sentence)


def console_errors(page: Page) -> list[str]:
    """The errors the page logs from now on (a script that failed to load, among others)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def assert_quiet(watch: Watch, console: list[str], host: str | None, where: str) -> None:
    assert not watch.errors, f"{where}: the page threw: {watch.errors}"
    assert not console, f"{where}: the page logged errors: {console}"
    foreign = foreign_requests(watch.requests, host=host)
    assert not foreign, f"{where}: requests that leave the site: {foreign}"


@pytest.mark.parametrize("build", ["hosted", "offline"])
@pytest.mark.parametrize(("path", "selector"), LINKS)
def test_hovering_a_link_to_a_paper_shows_its_preview(
    open_page: Callable[..., tuple[Page, Watch]],
    real_site: Path,
    real_url: str,
    build: str,
    path: str,
    selector: str,
) -> None:
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    console = console_errors(page)
    page.goto(address(build, real_url, real_site, path))
    page.wait_for_load_state("networkidle")
    assert not [u for u in watch.requests if "/previews/" in u], "preview data loaded before any was asked for"
    link = page.locator(selector).first
    link.scroll_into_view_if_needed()
    link.hover()
    where = f"{build} /{path}, hovering {selector}"
    assert_preview_of(page, records(real_site)[target(link)], where)
    expect(link, f"{where}: the link does not name its preview").to_have_attribute("aria-describedby", "paper-preview")
    page.mouse.move(2, 600)  # off the link and the preview
    expect(page.locator(PREVIEW), f"{where}: the preview stays after the mouse left").to_be_hidden()
    expect(link).not_to_have_attribute("aria-describedby", "paper-preview")
    assert [u for u in watch.requests if "/previews/" in u], "test premise: no preview data was loaded"
    assert_quiet(watch, console, "127.0.0.1" if build == "hosted" else None, where)


def test_the_preview_stays_under_the_mouse_and_follows_it_to_the_next_link(
    open_page: Callable[..., tuple[Page, Watch]],
    real_site: Path,
    real_url: str,
) -> None:
    """What WCAG asks of content shown on hover: the mouse can move onto it, and it stays until the
    mouse leaves or Escape is pressed."""
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    console = console_errors(page)
    page.goto(real_url + f"papers/{QLORA}/")
    related = page.locator("ul.paper-related a")
    papers = records(real_site)
    related.first.hover()
    assert_preview_of(page, papers[target(related.first)], "hovering the first related paper")
    page.locator(SHOWN).hover()
    page.wait_for_timeout(800)
    assert_preview_of(page, papers[target(related.first)], "the mouse on the preview")
    page.keyboard.press("Escape")
    expect(page.locator(PREVIEW), "Escape does not hide a preview shown by the mouse").to_be_hidden()
    related.nth(3).hover()
    assert_preview_of(page, papers[target(related.nth(3))], "hovering the fourth")
    related.nth(4).hover()
    assert_preview_of(page, papers[target(related.nth(4))], "moving on to the fifth")
    related.nth(3).hover()  # back, and away before its preview shows
    page.mouse.move(2, 600)
    page.wait_for_timeout(800)
    expect(page.locator(PREVIEW), "a preview stays after the mouse passed by").to_be_hidden()
    assert_quiet(watch, console, "127.0.0.1", "mouse")


@pytest.mark.parametrize("build", ["hosted", "offline"])
def test_tab_focus_shows_the_preview_and_escape_hides_it(
    open_page: Callable[..., tuple[Page, Watch]],
    real_site: Path,
    real_url: str,
    build: str,
) -> None:
    path = f"papers/{QLORA}/"
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    console = console_errors(page)
    page.goto(address(build, real_url, real_site, path))
    related = page.locator("ul.paper-related a")
    related.first.focus()
    page.keyboard.press("Tab")  # from the first related paper to the second
    second = related.nth(1)
    expect(second).to_be_focused()
    assert_preview_of(page, records(real_site)[target(second)], f"{build}: Tab to a related paper")
    expect(second).to_have_attribute("aria-describedby", "paper-preview")
    page.keyboard.press("Escape")
    expect(page.locator(PREVIEW), "Escape does not hide the preview").to_be_hidden()
    expect(second, "Escape moved the focus").to_be_focused()
    page.keyboard.press("Tab")
    assert_preview_of(page, records(real_site)[target(related.nth(2))], f"{build}: Tab on to the third")
    page.keyboard.press("Shift+Tab")
    assert_preview_of(page, records(real_site)[target(second)], f"{build}: Shift+Tab back")
    assert_quiet(watch, console, "127.0.0.1" if build == "hosted" else None, f"{build}: keyboard")


def test_hostile_titles_show_as_text_in_previews(
    open_page: Callable[..., tuple[Page, Watch]],
    hostile_site: Path,
    hostile_url: str,
) -> None:
    """Titles holding <script>, & and quotes, from the home page's lists."""
    papers = records(hostile_site)
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    console = console_errors(page)
    page.goto(hostile_url)
    seen = set()
    links = page.locator(ANY_PAPER_LINK)
    for index in range(links.count()):
        link = links.nth(index)
        slug = target(link)
        if slug in seen:
            continue
        seen.add(slug)
        link.scroll_into_view_if_needed()
        link.hover()
        assert_preview_of(page, papers[slug], f"hostile home page, {papers[slug]['title']!r}")
        assert page.locator(PREVIEW).locator("script, img, a, iframe").count() == 0, "listing text became HTML"
        page.mouse.move(2, 600)
        expect(page.locator(PREVIEW)).to_be_hidden()
    titles = {papers[s]["title"] for s in seen}
    assert SCRIPT_TITLE in titles and any("&" in t for t in titles), f"test premise: titles hovered: {titles}"
    kind, value = page.evaluate(PWNED_JS)
    assert kind == "undefined", f"a preview ran listing text as script (window.__pwned = {value})"
    assert_quiet(watch, console, "127.0.0.1", "hostile home page")


@pytest.mark.parametrize("build", ["hosted", "offline"])
def test_on_a_phone_the_preview_button_shows_the_preview(
    open_page: Callable[..., tuple[Page, Watch]],
    real_site: Path,
    real_url: str,
    build: str,
) -> None:
    """Touch screens have no hover: a labelled button after each link to a paper shows and hides its
    preview; the link itself opens the paper at the first tap."""
    path = f"papers/{QLORA}/"
    page, watch = open_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    console = console_errors(page)
    page.goto(address(build, real_url, real_site, path))
    related = page.locator("ul.paper-related a")
    button = page.locator(f"ul.paper-related {BUTTON}").first
    expect(button, "no preview button beside the related papers").to_be_visible()
    title = normalise_space(related.first.inner_text())
    expect(button).to_have_accessible_name(f"Preview: {title}")
    expect(button).to_have_attribute("aria-expanded", "false")
    box = button.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, f"the button is too small to tap: {box}"
    button.tap()
    assert_preview_of(page, records(real_site)[target(related.first)], f"{build} phone: tapping the button")
    expect(button).to_have_attribute("aria-expanded", "true")
    shown = page.locator(SHOWN).bounding_box()
    assert shown and shown["x"] >= 0 and shown["x"] + shown["width"] <= 375, f"the preview leaves the screen: {shown}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the preview widens the page"
    button.tap()
    expect(page.locator(PREVIEW), "a second tap does not hide the preview").to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.tap()
    expect(page.locator(SHOWN)).to_be_visible()
    page.locator("h1").first.tap()
    expect(page.locator(PREVIEW), "a tap elsewhere does not hide the preview").to_be_hidden()
    slug = target(related.first)
    related.first.tap()
    page.wait_for_url(re.compile(re.escape(slug)))
    expect(page.locator(PAGE_H1), "tapping the link does not open the paper").to_have_text(title)
    expect(page.locator(f"ul.paper-related {BUTTON}").first, "the opened paper has no preview buttons").to_be_visible()
    assert_quiet(watch, console, "127.0.0.1" if build == "hosted" else None, f"{build} phone")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_serious_accessibility_violations_with_a_preview_open(
    open_page: Callable[..., tuple[Page, Watch]],
    real_url: str,
    device: str,
    scheme: str,
) -> None:
    """axe-core, light and dark palette: the preview open, and on a phone the preview buttons."""
    from axe_playwright_python.sync_playwright import Axe

    phone = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
    page, _ = open_page(color_scheme=scheme, **(phone if device == "phone" else {}))
    page.goto(real_url + f"papers/{QLORA}/", wait_until="networkidle")
    if device == "phone":
        page.locator(f"ul.paper-related {BUTTON}").first.tap()
    else:
        # The mouse stays on the link: its hovered colour is judged with the preview.
        page.locator("ul.paper-related a").first.hover()
    expect(page.locator(SHOWN)).to_be_visible()
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    report = [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}" for v in violations]
    assert not violations, f"{device}, {scheme} mode, preview open:\n" + "\n".join(report)
