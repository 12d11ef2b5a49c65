"""The reading list in a real browser, hosted and from ``file://``: saving a paper from its page and
from a list, the Reading list page (removing, downloading BibTeX and CSV), the "New" marks of the
home and topic pages, the keyboard, a phone, both palettes, no JavaScript, hostile titles, and no
request to another host.

The built sites and the browser are the suite's shared fixtures (tests/conftest.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

from playwright.sync_api import Page, expect

from generator.emit.reading import CSV_COLUMNS, slug_hash

from .browser import Watch, address, foreign_requests
from .conftest import ROOT, copy_project, run_generator
from .test_browser import PWNED_JS, SCRIPT_TITLE

pytestmark = pytest.mark.browser

KINDS = ["hosted", "offline"]
QLORA = "qlora-efficient-finetuning-of-quantized-llms"
TOPIC = "quantization"
TOGGLE = ".reading-list-toggle"
SAVED_PAPERS = "#saved-papers"
ITEMS = "#saved-papers ul.reading-list__papers > li"
BIB_ENTRY = re.compile(r"@misc\{([a-z0-9-]+),")
ADDED = "daily-papers-2025-10-30-with-metadata.txt"
"""A bundled listing whose papers are among the newest: added last, some show on the home page."""
SITE_URL = "http://127.0.0.1:8000/"
"""The hosted site's address the builds cite (``site_url`` in mkdocs.yml without SITE_URL)."""


def records(project: Path) -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in json.loads((project / "site" / "papers.json").read_text("utf-8"))}


def slug_of(href: str) -> str:
    found = re.search(r"papers/([a-z0-9-]+)(?:/|\.html)", href)
    assert found, href
    return found[1]


def assert_quiet(watch: Watch, kind: str, where: str) -> None:
    assert not watch.errors, f"{where}: the page threw: {watch.errors}"
    assert not watch.console_errors, f"{where}: the page logged errors: {watch.console_errors}"
    foreign = foreign_requests(watch.requests, host="127.0.0.1" if kind == "hosted" else None)
    assert not foreign, f"{where}: requests that leave the site: {foreign}"


def download(page: Page, name: str) -> tuple[str, str]:
    """Click the button ``name`` and return the downloaded file's name and text."""
    with page.expect_download() as event:
        page.get_by_role("button", name=name).click()
    path = event.value.path()
    return event.value.suggested_filename, Path(path).read_text("utf-8")


def bibtex_entries(text: str) -> list[str]:
    """The keys of a BibTeX file's entries, after checking that each entry's braces balance."""
    keys = []
    for entry in (part.strip() for part in re.split(r"\n(?=@)", text.strip())):
        depth = 0
        for index, char in enumerate(entry):
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, f"a brace closes what is not open: {entry[: index + 1]!r}"
        assert depth == 0, f"unbalanced braces in {entry!r}"
        assert entry.endswith("}"), entry
        found = BIB_ENTRY.match(entry)
        assert found, f"not a BibTeX entry: {entry!r}"
        keys.append(found[1])
    return keys


@pytest.mark.parametrize("kind", KINDS)
def test_save_from_a_paper_and_a_list_then_remove_and_export(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, real_url: str, kind: str
) -> None:
    """Offline, each page is a file of its own: what one page saves, another (the Reading list) reads."""
    papers = records(real_site)
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    page.goto(address(kind, real_url, real_site, f"papers/{QLORA}/"))
    save = page.locator(f".md-content p.paper-meta {TOGGLE}")
    expect(save, "no save button on the paper's page").to_have_count(1)
    expect(save).to_have_accessible_name("Save to reading list")
    expect(save).to_have_attribute("aria-pressed", "false")
    save.click()
    expect(save).to_have_attribute("aria-pressed", "true")
    expect(save).to_have_accessible_name("Saved")

    page.goto(address(kind, real_url, real_site, f"topics/{TOPIC}/"))
    items = page.locator("ul.paper-list > li")
    expect(items.first.locator(TOGGLE), "no save button in the topic's list").to_be_visible()
    others = [
        i
        for i in range(items.count())
        if slug_of(items.nth(i).locator("a.paper-list__title").get_attribute("href") or "") != QLORA
    ]
    chosen = [items.nth(i) for i in others[:2]]
    slugs = [slug_of(item.locator("a.paper-list__title").evaluate("a => a.href")) for item in chosen]
    for item in chosen:
        item.locator(TOGGLE).click()
        expect(item.locator(TOGGLE)).to_have_attribute("aria-pressed", "true")
    listed_qlora = page.locator(f"ul.paper-list > li:has(a[href*='{QLORA}']) {TOGGLE}")
    if listed_qlora.count():
        expect(listed_qlora.first, "the list does not show the paper saved on its page").to_have_attribute(
            "aria-pressed", "true"
        )

    page.goto(address(kind, real_url, real_site, "reading-list/"))
    saved = [*reversed(slugs), QLORA]  # most recently saved first
    expect(page.locator(ITEMS)).to_have_count(3)
    expect(page.locator("#saved-papers .reading-list__status")).to_have_text("3 papers saved in this browser.")
    titles = page.locator(f"{ITEMS} a.paper-list__title")
    expect(titles).to_have_text([papers[s]["title"] for s in saved])
    assert [slug_of(h) for h in titles.evaluate_all("(links) => links.map((a) => a.href)")] == saved

    name, text = download(page, "Download BibTeX")
    assert name == "reading-list.bib"
    assert bibtex_entries(text) == saved
    assert f"url = {{{SITE_URL}papers/{QLORA}/}}" in text, text
    name, text = download(page, "Download CSV")
    assert name == "reading-list.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["slug"] for r in rows] == saved
    assert [r["title"] for r in rows] == [papers[s]["title"] for s in saved]
    assert rows[-1]["url"] == f"{SITE_URL}papers/{QLORA}/" and re.match(r"\d{4}-\d\d-\d\dT", rows[-1]["saved"])
    assert rows[-1]["tags"] == "; ".join(papers[QLORA]["tags"]) and rows[-1]["date"] == papers[QLORA]["date"]

    remove = page.get_by_role("button", name=f"Remove from reading list: {papers[saved[0]]['title']}")
    remove.click()
    expect(page.locator(ITEMS)).to_have_count(2)
    expect(page.locator(f"{ITEMS} .reading-list-remove").first, "focus is lost after removing").to_be_focused()
    _, text = download(page, "Download BibTeX")
    assert bibtex_entries(text) == saved[1:]
    page.goto(address(kind, real_url, real_site, f"papers/{QLORA}/"))
    expect(page.locator(TOGGLE)).to_have_attribute("aria-pressed", "true")
    page.locator(TOGGLE).click()
    page.goto(address(kind, real_url, real_site, "reading-list/"))
    expect(page.locator(ITEMS)).to_have_count(1)
    assert_quiet(watch, kind, f"{kind}: saving, listing, exporting")


@pytest.mark.parametrize("kind", KINDS)
def test_the_reading_list_is_in_the_navigation_says_so_when_empty_and_shows_a_saved_paper(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, real_url: str, kind: str
) -> None:
    """The hosted site goes there by instant navigation (no page load), the offline site by a load."""
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    page.goto(address(kind, real_url, real_site, ""))
    page.locator(".md-nav--primary").get_by_role("link", name="Reading list").first.click()
    expect(page.locator(".md-content h1")).to_have_text("Reading list")
    expect(page.locator("#saved-papers .reading-list__status")).to_contain_text("No paper saved yet")
    expect(page.get_by_role("button", name="Download BibTeX")).to_have_count(0)
    page.locator(".md-nav--primary").get_by_role("link", name="Home").first.click()
    first = page.locator(f"ul.paper-list > li {TOGGLE}").first
    first.click()
    expect(first).to_have_attribute("aria-pressed", "true")
    title = page.locator("ul.paper-list > li a.paper-list__title").first.inner_text()
    page.locator(".md-nav--primary").get_by_role("link", name="Reading list").first.click()
    expect(page.locator(f"{ITEMS} a.paper-list__title")).to_have_text([title])
    assert_quiet(watch, kind, f"{kind}: empty reading list")


def test_without_javascript_the_page_says_what_it_is_for(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str
) -> None:
    page, _ = open_page(java_script_enabled=False)
    page.goto(real_url + "reading-list/")
    expect(page.locator(".md-content")).to_contain_text("kept in this browser only")
    expect(page.locator("#saved-papers")).to_contain_text("needs JavaScript")
    page.goto(real_url + f"papers/{QLORA}/")
    expect(page.locator(TOGGLE), "a button that cannot work without JavaScript").to_have_count(0)


def test_the_save_button_works_from_the_keyboard(open_page: Callable[..., tuple[Page, Watch]], real_url: str) -> None:
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    page.goto(real_url + f"topics/{TOPIC}/")
    first = page.locator(f"ul.paper-list > li {TOGGLE}").first
    title = page.locator("ul.paper-list > li a.paper-list__title").first
    title.focus()
    for _ in range(10):  # past the topic chips of the item
        page.keyboard.press("Tab")
        if first.evaluate("(b) => b === document.activeElement"):
            break
    expect(first, "Tab does not reach the save button").to_be_focused()
    page.keyboard.press("Space")
    expect(first).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-pressed", "false")
    assert_quiet(watch, "hosted", "keyboard")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", ["", f"topics/{TOPIC}/"], ids=["home", "topic"])
def test_papers_new_since_the_previous_visit_are_marked(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, real_url: str, kind: str, path: str
) -> None:
    """A first visit marks nothing; after a build with papers the previous visit's build lacked, those
    (and only those) are marked "New", through the visit; the next visit marks nothing again."""
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    url = address(kind, real_url, real_site, path)
    page.goto(url)
    items = page.locator(".md-content ul.paper-list > li")
    expect(items.first).to_be_visible()
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.endsWith(' visits'))")
    expect(page.locator(".paper-new"), "a first visit marks papers").to_have_count(0)
    listed = sorted(
        {slug_of(h) for h in items.locator("a.paper-list__title").evaluate_all("(a) => a.map((x) => x.href)")}
    )
    added = listed[:2]
    # The previous visit saw a build without two of the listed papers: as after a rebuild that added them.
    page.evaluate(
        """(gone) => {
          const key = Object.keys(localStorage).find((k) => k.endsWith(" visits"))
          const state = JSON.parse(localStorage.getItem(key))
          state.build = state.build.split(" ").filter((h) => !gone.includes(h)).join(" ")
          localStorage.setItem(key, JSON.stringify(state))
        }""",
        [slug_hash(s) for s in added],
    )
    page.reload()
    marked = page.locator(".md-content ul.paper-list > li:has(.paper-new)")
    expect(marked.first).to_be_visible()
    shown = {slug_of(h) for h in marked.locator("a.paper-list__title").evaluate_all("(a) => a.map((x) => x.href)")}
    assert shown == set(added), f"marked {shown}, added {added}"
    expect(marked.first.locator(".paper-new")).to_have_text("New")
    page.reload()  # the same visit: the marks stay
    expect(page.locator(".md-content ul.paper-list > li:has(.paper-new)").first).to_be_visible()
    # Next visit, an hour later, with no new build: nothing is new.
    page.evaluate(
        "() => { const k = Object.keys(localStorage).find((k) => k.endsWith(' last-view'));"
        " localStorage.setItem(k, String(Date.now() - 3600e3)) }"
    )
    page.reload()
    expect(items.first).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.locator(".paper-new"), "marks stay on the next visit").to_have_count(0)
    assert_quiet(watch, kind, f"{kind} /{path}: new marks")


@pytest.mark.parametrize("path", [f"papers/{QLORA}/", f"topics/{TOPIC}/", "reading-list/"])
def test_on_a_375px_phone(open_page: Callable[..., tuple[Page, Watch]], real_url: str, path: str) -> None:
    page, watch = open_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page.goto(real_url + f"papers/{QLORA}/")
    page.locator(TOGGLE).tap()
    page.goto(real_url + path, wait_until="networkidle")
    button = page.locator(f"{TOGGLE}, .reading-list-remove").first
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box and box["height"] >= 24 and box["x"] + box["width"] <= 375, f"hard to tap or off screen: {box}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"/{path} is {width}px wide on a 375px screen"
    assert_quiet(watch, "hosted", f"phone /{path}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["reading-list/", f"papers/{QLORA}/", ""], ids=["reading-list", "paper", "home"])
def test_no_serious_accessibility_violations(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, path: str, scheme: str
) -> None:
    """axe-core on the Reading list page with papers in it, a paper page with its button pressed and
    one not, and the home page with "New" marks."""
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(color_scheme=scheme)
    page.goto(real_url + f"papers/{QLORA}/")
    page.locator(TOGGLE).click()
    expect(page.locator(TOGGLE)).to_have_attribute("aria-pressed", "true")
    page.goto(real_url)
    page.locator(f"ul.paper-list > li {TOGGLE}").nth(3).click()
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.endsWith(' visits'))")
    titles = page.locator("ul.paper-list > li a.paper-list__title")
    gone = [slug_hash(slug_of(titles.nth(i).evaluate("a => a.href"))) for i in range(2)]
    page.evaluate(
        """(gone) => {
          const key = Object.keys(localStorage).find((k) => k.endsWith(" visits"))
          const state = JSON.parse(localStorage.getItem(key))
          state.build = state.build.split(" ").filter((h) => !gone.includes(h)).join(" ")
          localStorage.setItem(key, JSON.stringify(state))
        }""",
        gone,
    )
    page.goto(real_url + path, wait_until="networkidle")
    if path == "":
        expect(page.locator(".paper-new").first).to_be_visible()
    if path == "reading-list/":
        expect(page.locator(ITEMS)).to_have_count(2)
    expect(page.locator(TOGGLE + ", .reading-list-remove").first).to_be_visible()
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    report = [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}" for v in violations]
    assert not violations, f"/{path} in {scheme} mode:\n" + "\n".join(report)


def test_hostile_titles_show_as_text_on_the_reading_list(
    open_page: Callable[..., tuple[Page, Watch]], hostile_site: Path, hostile_url: str
) -> None:
    papers = records(hostile_site)
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    page.goto(hostile_url)
    toggles = page.locator(f"ul.paper-list > li {TOGGLE}")
    seen = set()
    for index in range(toggles.count()):
        item = page.locator("ul.paper-list > li").nth(index)
        slug = slug_of(item.locator("a.paper-list__title").evaluate("a => a.href"))
        if slug not in seen:
            seen.add(slug)
            toggles.nth(index).click()
    page.goto(hostile_url + "reading-list/")
    expect(page.locator(ITEMS)).to_have_count(len(seen))
    titles = page.locator(f"{ITEMS} a.paper-list__title").all_text_contents()
    assert SCRIPT_TITLE in titles and set(titles) == {papers[s]["title"] for s in seen}
    assert page.locator(f"{SAVED_PAPERS} script, {SAVED_PAPERS} img").count() == 0, "listing text became HTML"
    _, text = download(page, "Download BibTeX")
    assert sorted(bibtex_entries(text)) == sorted(seen)
    _, text = download(page, "Download CSV")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["title"].removeprefix("'") for r in rows} == {papers[s]["title"] for s in seen}
    kind, value = page.evaluate(PWNED_JS)
    assert kind == "undefined", f"the reading list ran listing text as script (window.__pwned = {value})"
    assert not watch.dialogs and not watch.errors, (watch.dialogs, watch.errors)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[str]]:
    """The offline site of the bundled corpus without one listing (a copy kept), then rebuilt with it:
    the two folders and the slugs of the papers the rebuild added."""
    listings = ROOT / "data" / "listings"
    four = tmp_path_factory.mktemp("four-listings")
    for path in listings.iterdir():
        if path.name != ADDED:
            shutil.copy2(path, four / path.name)
    project = copy_project(tmp_path_factory.mktemp("rebuilt") / "project", four)
    assert run_generator(project, "build").returncode == 0
    before = tmp_path_factory.mktemp("before") / "site-offline"
    shutil.copytree(project / "site-offline", before)
    slugs_before = set(records(project))
    shutil.copy2(listings / ADDED, project / "data" / "listings" / ADDED)
    assert run_generator(project, "build").returncode == 0
    return before, project / "site-offline", set(records(project)) - slugs_before


@pytest.mark.parametrize("path", ["index.html", "topics/efficiency.html"], ids=["home", "topic"])
def test_after_a_rebuild_the_offline_site_marks_the_added_papers(
    open_page: Callable[..., tuple[Page, Watch]], rebuilt: tuple[Path, Path, set[str]], path: str
) -> None:
    """A reader opens the offline site, then a newer one unzipped elsewhere: the papers it added are
    marked "New" (both folders are one site: the same hosted address)."""
    before, after, added = rebuilt
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    page.goto((before / path).as_uri())
    expect(page.locator(".md-content ul.paper-list > li").first).to_be_visible()
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.endsWith(' visits'))")
    expect(page.locator(".paper-new"), "a first visit marks papers").to_have_count(0)
    page.goto((after / path).as_uri())
    items = page.locator(".md-content ul.paper-list > li")
    expect(items.first).to_be_visible()
    listed = {slug_of(h) for h in items.locator("a.paper-list__title").evaluate_all("(a) => a.map((x) => x.href)")}
    assert listed & added, f"test premise: /{path} lists none of the {len(added)} added papers"
    marked = page.locator(".md-content ul.paper-list > li:has(.paper-new)")
    expect(marked.first).to_be_visible()
    shown = {slug_of(h) for h in marked.locator("a.paper-list__title").evaluate_all("(a) => a.map((x) => x.href)")}
    assert shown == listed & added, f"marked {sorted(shown)}; listed and added: {sorted(listed & added)}"
    assert_quiet(watch, "offline", f"rebuilt /{path}")
