"""The built site in a real browser: search as a person types it, hosted and offline, no request to
another host, and hostile listing text that shows as text and never runs.

Chromium is Debian's (``shutil.which("chromium")``), driven by Playwright; one browser serves the whole
session and every test gets a fresh context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

from playwright.sync_api import Page, expect

from generator import search as site_search

from .browser import (
    PAGE_H1,
    RESULT_ITEMS,
    RESULT_META,
    SEARCH_TOGGLE,
    Result,
    Watch,
    address,
    foreign_requests,
    normalise_space,
    results,
    search,
    search_box,
    serve,
    shown_results,
    wait_for_search,
)

pytestmark = pytest.mark.browser

TOP = 3
"""The expected paper must be among the first TOP results."""

# A query word that is part of a topic name ('models', 'vision') must not put every paper of that topic
# first: the index weighs title 10 > topics 3 > abstract 1 (generator/search/); two cases below hold it.
# (query as a person types it, title of the paper they look for, why the query is interesting)
QUERIES = [
    pytest.param(
        "GPTQ",
        "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers",
        id="method-name-in-title",
    ),
    pytest.param(
        "Minigrid and Procgen environments",
        "History Compression via Language Models in Reinforcement Learning",
        id="phrase-from-abstract",
    ),
    pytest.param(
        "FedKSeed",
        "Federated Full-Parameter Tuning of Billion-Sized Language Models with Communication Cost under 18 Kilobytes",
        id="method-name-only-in-abstract",
    ),
    pytest.param("multi-state RNNs", "Transformers are Multi-State RNNs", id="hyphenated-title-words"),
    pytest.param("mixture of experts survey", "A Survey on Mixture of Experts", id="topic-words"),
    pytest.param(
        "byte pair encoding pretraining",
        "Byte Pair Encoding is Suboptimal for Language Model Pretraining",
        id="topic-words-2",
    ),
    pytest.param(
        "kangaroo speculative decoding",
        "Kangaroo: Lossless Self-Speculative Decoding via Double Early Exiting",
        id="lower-case-title-words",
    ),
    pytest.param(
        "fusing finetuned models",
        "Fusing finetuned models for better pretraining",
        id="title-words-that-are-in-a-topic-name",
    ),
    pytest.param(
        "attention transfer vision transformers",
        "On the Surprising Effectiveness of Attention Transfer for Vision Transformers",
        id="title-words-that-are-in-a-topic-name-2",
    ),
    pytest.param(
        "LLM-Pruner: On the Structural Pruning",
        "LLM-Pruner: On the Structural Pruning of Large Language Models",
        id="pasted-title-with-hyphen-before-colon",
    ),
]

OFFLINE_QUERIES = QUERIES[:2]
"""A title word and an abstract phrase, from file:// on the offline build."""

SCRIPT_TITLE = "<script>window.__pwned = 1</script> Scripted Title: Attacks on Static Sites"
SCRIPT_ABSTRACT_PARTS = ('<img src=x onerror="window.__pwned = 2">', "[a link](javascript:window.__pwned=3)")

# A word that only one hostile paper uses -> the start of that paper's title.
HOSTILE_WORDS = {
    "zebrafinch": "<script>window.__pwned = 1</script> Scripted Title",
    # Cleaning reads Markdown marks a copy kept as text (README, "Adding listings"): the title is shown so.
    "quokkalign": "Emphasised Linked (https://example.com) `code`",
    "ocelotter": "front: matter",
    "narwhalign": "Right-to-left עברית ومرحبا and emoji 🤖🧪",
}

PWNED_JS = "() => [typeof window.__pwned, String(window.__pwned)]"


# --- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_titles(real_site: Path) -> set[str]:
    return {paper["title"] for paper in json.loads((real_site / "site" / "papers.json").read_text("utf-8"))}


# --- helpers --------------------------------------------------------------------------------------------


def assert_found(query: str, title: str, found: list[Result], page: Page) -> None:
    titles = [result.title for result in found[:TOP]]
    assert title in titles, (
        f"a person searching {query!r} does not see {title!r} among the first {TOP} results; "
        f"they see:\n{shown_results(page)}"
    )


def open_first_result(page: Page, found: list[Result], query: str) -> None:
    """Click the first result and check that its page opens with its title as the heading."""
    first = found[0]
    page.locator(".md-search-result__list > .md-search-result__item a.md-search-result__link").first.click()
    page.wait_for_url(first.href)
    expect(
        page.locator(PAGE_H1), f"clicking the first result for {query!r} does not open {first.title!r}"
    ).to_have_text(first.title)


def assert_not_pwned(page: Page, watch: Watch, where: str) -> None:
    kind, value = page.evaluate(PWNED_JS)
    assert kind == "undefined", f"{where}: text from the listing ran as script (window.__pwned = {value})"
    assert not watch.dialogs, f"{where}: the page popped up dialogs: {watch.dialogs}"


# --- search on the hosted site --------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "title"), QUERIES)
def test_search_finds_paper_and_opens_it(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_titles: set[str], query: str, title: str
) -> None:
    assert title in real_titles, f"the test looks for {title!r}, which the bundled listings no longer hold"
    page, watch = open_page()
    page.goto(real_url)
    found = search(page, query)
    assert_found(query, title, found, page)
    open_first_result(page, found, query)
    assert not watch.errors, f"JavaScript errors while searching {query!r}: {watch.errors}"


def test_search_on_a_phone(open_page: Callable[..., tuple[Page, Watch]], real_url: str) -> None:
    """On a narrow screen the search box hides behind the header's search button."""
    page, _ = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(real_url)
    expect(page.locator(SEARCH_TOGGLE), "the phone layout shows no search button in the header").to_be_visible()
    expect(
        page.locator(".md-search__input"), "test premise: the phone layout keeps the box out of view"
    ).not_to_be_in_viewport()
    query, title = "GPTQ", "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    found = search(page, query)
    assert_found(query, title, found, page)
    open_first_result(page, found, query)


# --- the same search as in the terminal, and facets ---------------------------------------------------

_SAMPLED = yaml.safe_load((Path(__file__).parent / "search_queries.yml").read_text(encoding="utf-8"))
PARITY_QUERIES = [
    *[q["query"] for q in _SAMPLED if q["kind"] in {"misspelling", "prefix", "title"}][::2],
    *["quantization", "mixture of experts", "retrieval augmented generation", "speculative decoding"],
]
"""A sample of tests/search_queries.yml (pasted titles, half-typed words, misspellings) and topic words
that many papers share, where ranking decides the first result."""


@pytest.fixture(scope="session")
def terminal_index(real_site: Path) -> site_search.SearchIndex:
    """The search as ``python -m generator search`` runs it on the same site."""
    return site_search.open_site(real_site / "site").index


def matching_count(page: Page) -> int:
    """The number in the result count line ("50 matching papers", "1 matching paper")."""
    text = page.locator(RESULT_META).inner_text()
    if text == "No matching papers":
        return 0
    match = re.match(r"(\d+) matching paper", text)
    assert match, f"the result count line says {text!r}"
    return int(match[1])


def test_browser_and_terminal_agree_on_the_first_result(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, terminal_index: site_search.SearchIndex
) -> None:
    page, watch = open_page()
    page.goto(real_url)
    disagree = []
    for query in PARITY_QUERIES:
        found = search(page, query)
        hits = terminal_index.search(query)
        browser_first = found[0].title if found else None
        terminal_first = hits[0].title if hits else None
        papers = site_search.papers_found(hits)
        if browser_first != terminal_first or matching_count(page) != papers:
            disagree.append(
                f"{query!r}: browser {browser_first!r} of {matching_count(page)} papers, "
                f"terminal {terminal_first!r} of {papers}"
            )
    assert not disagree, "the search box and `generator search` rank differently:\n" + "\n".join(disagree)
    assert not watch.errors, f"JavaScript errors while searching: {watch.errors}"


def choose_facet(page: Page, name: str, value: str) -> None:
    menu = page.locator(f".search-facets select[name={name}]")
    expect(menu, f"the search dialog shows no {name} menu").to_be_visible()
    menu.select_option(value)


def test_facet_menus_narrow_the_results(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, terminal_index: site_search.SearchIndex
) -> None:
    page, watch = open_page()
    page.goto(real_url)
    search(page, "mixture of experts")
    everything = matching_count(page)
    choose_facet(page, "topic", "efficiency")
    box = page.locator(".md-search__input")
    expect(box, "choosing a topic does not write it into the query").to_have_value(
        "mixture of experts topic:efficiency"
    )
    found = wait_for_search(page, "mixture of experts topic:efficiency")
    expected = terminal_index.search("mixture of experts topic:efficiency")
    assert matching_count(page) == len(expected) < everything
    assert [r.title for r in found[:5]] == [h.title for h in expected[:5]]
    choose_facet(page, "year", "2025")
    expect(box).to_have_value("mixture of experts topic:efficiency year:2025")
    wait_for_search(page, "mixture of experts topic:efficiency year:2025")
    assert matching_count(page) == len(terminal_index.search("mixture of experts topic:efficiency year:2025"))
    choose_facet(page, "topic", "")
    expect(box, "choosing 'All topics' does not take the topic out of the query").to_have_value(
        "mixture of experts year:2025"
    )
    # A facet typed by hand shows in its menu.
    box.fill("")
    box.press_sequentially("tokens topic:quantization", delay=20)
    expect(page.locator(".search-facets select[name=topic]")).to_have_value("quantization")
    assert not watch.errors, f"JavaScript errors while narrowing: {watch.errors}"


def test_facet_menus_work_from_the_keyboard(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, terminal_index: site_search.SearchIndex
) -> None:
    page, watch = open_page()
    page.goto(real_url)
    search(page, "quantization")
    page.keyboard.press("Tab")
    topic = page.locator(".search-facets select[name=topic]")
    expect(topic, "Tab from the search box does not reach the topic menu").to_be_focused()
    page.keyboard.press("Tab")
    year = page.locator(".search-facets select[name=year]")
    expect(year, "Tab from the topic menu does not reach the year menu").to_be_focused()
    page.keyboard.press("ArrowDown")  # the newest year
    newest = terminal_index.facets["year"][0][0]
    expect(page.locator(".md-search__input")).to_have_value(f"quantization year:{newest}")
    wait_for_search(page, f"quantization year:{newest}")
    assert matching_count(page) == len(terminal_index.search(f"quantization year:{newest}"))
    expect(page.locator(".md-search"), "the search dialog closed while using the menus").to_be_visible()
    assert not watch.errors, f"JavaScript errors: {watch.errors}"


def test_offline_facets_from_file(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, terminal_index: site_search.SearchIndex
) -> None:
    page, watch = open_page()
    page.goto((real_site / "site-offline" / "index.html").as_uri())
    search(page, "quantization")
    choose_facet(page, "year", "2025")
    found = wait_for_search(page, "quantization year:2025")
    expected = terminal_index.search("quantization year:2025")
    assert matching_count(page) == len(expected) > 0
    assert found[0].title == expected[0].title
    assert not watch.errors, f"JavaScript errors in the offline site: {watch.errors}"


# --- Pagefind behind the search box (collections past 1,500 papers) --------------------------------------


@pytest.fixture(scope="session")
def pagefind_url(pagefind_site: Path) -> Iterator[str]:
    with serve(pagefind_site / "site") as url:
        yield url


def test_pagefind_search_box_finds_paper_and_opens_it(
    open_page: Callable[..., tuple[Page, Watch]], pagefind_url: str
) -> None:
    page, watch = open_page()
    page.goto(pagefind_url)
    query, title = "GPTQ", "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    found = search(page, query)
    assert_found(query, title, found, page)
    open_first_result(page, found, query)
    assert any("/pagefind/" in url for url in watch.requests), "test premise: Pagefind answered nothing"
    assert not any("lunr_index" in url for url in watch.requests), "the Pagefind site loaded a lunr index"
    assert not watch.errors, f"JavaScript errors while searching with Pagefind: {watch.errors}"


def test_pagefind_facets_narrow_the_results(
    open_page: Callable[..., tuple[Page, Watch]], pagefind_site: Path, pagefind_url: str
) -> None:
    papers = {p["url"]: p for p in json.loads((pagefind_site / "site" / "papers.json").read_text("utf-8"))}
    page, watch = open_page()
    page.goto(pagefind_url)
    search(page, "mixture of experts")
    everything = matching_count(page)
    choose_facet(page, "topic", "efficiency")
    found = wait_for_search(page, "mixture of experts topic:efficiency")
    assert 0 < matching_count(page) < everything
    for result in found:
        path = result.href.split("?")[0].removeprefix(pagefind_url)
        assert "Efficiency" in papers[path]["topics"], f"{result.title!r} is not an Efficiency paper"
    # Facets alone: that year's papers, newest first; a value the site does not have: nothing.
    box = page.locator(".md-search__input")
    box.fill("")
    box.press_sequentially("year:2025", delay=20)
    found = wait_for_search(page, "year:2025")
    dates = [papers[r.href.split("?")[0].removeprefix(pagefind_url)]["date"] for r in found]
    assert dates and all(d.startswith("2025") for d in dates) and dates == sorted(dates, reverse=True), dates
    box.fill("")
    box.press_sequentially("attention topic:astrology", delay=20)
    wait_for_search(page, "attention topic:astrology")
    expect(page.locator(RESULT_META)).to_have_text("No matching papers")
    assert not watch.errors, f"JavaScript errors while narrowing with Pagefind: {watch.errors}"


def scroll_to_the_end(page: Page) -> list[Result]:
    """Scroll the result list down as a person does with a mouse wheel until no more results come;
    the results then shown, once none is waiting for its page."""
    items = page.locator(RESULT_ITEMS)
    shown = -1
    while items.count() != shown:
        shown = items.count()
        items.last.hover()
        for _ in range(10):
            page.mouse.wheel(0, 120)
        page.wait_for_timeout(300)
    expect(page.locator(f"{RESULT_ITEMS} h1", has_text=re.compile(r"^…$")), "results stay placeholders").to_have_count(
        0
    )
    return results(page)


def test_pagefind_count_tells_the_truth_and_every_result_can_be_reached(
    open_page: Callable[..., tuple[Page, Watch]], pagefind_url: str
) -> None:
    """Pagefind finds more pages than the worker fetches at once: the count says how many papers
    (the Quantization topic's page is found too, not counted), and scrolling down brings every
    result, with its title, text and address."""
    page, watch = open_page(viewport={"width": 1280, "height": 900})
    page.goto(pagefind_url)
    first = search(page, "quantization")
    count = matching_count(page)
    assert count > 20, f"test premise: a query with more results than the worker fetches at once; got {count}"
    assert len(first) == 10, "Material shows 10 results at once"
    everything = scroll_to_the_end(page)
    assert [r.title for r in everything[:10]] == [r.title for r in first]
    addresses = [r.href.split("?")[0].removeprefix(pagefind_url) for r in everything]
    assert len(set(addresses)) == len(everything), addresses
    assert all(a.startswith(("papers/", "topics/")) for a in addresses), addresses
    papers = sum(a.startswith("papers/") for a in addresses)
    assert papers == count < len(everything), f"the dialog says {count} matching papers; scrolling reaches {papers}"
    assert all(r.terms == ("quantization",) for r in everything), "a result does not say which words it matched"
    texts = page.locator(f"{RESULT_ITEMS} article > p")
    assert texts.count() == len(everything), "a result shows no text"
    # The last one, filled in by the page's script, leads to its page too.
    page.locator(f"{RESULT_ITEMS} a.md-search-result__link").last.click()
    page.wait_for_url(everything[-1].href)
    expect(page.locator(PAGE_H1)).to_have_text(everything[-1].title)
    assert not watch.errors, f"JavaScript errors while scrolling Pagefind's results: {watch.errors}"


def test_pagefind_finds_topic_and_organisation_pages(
    open_page: Callable[..., tuple[Page, Watch]], pagefind_url: str
) -> None:
    """As lunr does: a topic's page by its name or description, an organisation's by its name,
    titled as the lunr path titles them, and not by the papers they list."""
    page, _ = open_page()
    page.goto(pagefind_url)
    titles = [r.title for r in search(page, "quantization")]
    assert "Topic: Quantization" in titles[:TOP], titles
    found = search(page, "fewer bits")  # the topic's description: "Storing weights or activations in fewer bits."
    assert "Topic: Quantization" in [r.title for r in found], shown_results(page)
    found = search(page, "OpenBMB")
    assert found[0].title == "Organisation: OpenBMB", shown_results(page)
    assert found[0].href.split("?")[0] == pagefind_url + "organisations/openbmb/"
    # A word only the titles of the papers a topic page lists: that page is not a result.
    found = search(page, "GPTQ")
    assert not any(r.title.startswith(("Topic:", "Organisation:")) for r in found), shown_results(page)


# --- long queries ----------------------------------------------------------------------------------------

LONG_QUERY = "a" * 2_000 + " attention"
"""2,000 × ``a`` in ``?q=`` crashed the offline tab after 94 s before a query's work was bounded."""


@pytest.mark.parametrize("kind", ["hosted", "offline"])
def test_a_long_query_in_the_address_answers(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, kind: str
) -> None:
    """``?q=`` with 2,000 letters and a word: the page answers (within the helper's time limit) with
    the results of its words, and the tab stays alive."""
    page, watch = open_page()
    start = real_url if kind == "hosted" else (real_site / "site-offline" / "index.html").as_uri()
    page.goto(f"{start}?q={LONG_QUERY.replace(' ', '+')}")
    found = wait_for_search(page, LONG_QUERY)
    assert found, f"no results for the long query; the person sees:\n{shown_results(page)}"
    assert not watch.errors, f"JavaScript errors with a long query: {watch.errors}"


# --- search in the offline build -----------------------------------------------------------------------


@pytest.mark.parametrize(("query", "title"), OFFLINE_QUERIES)
def test_offline_search_from_file(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, query: str, title: str
) -> None:
    """site-offline/index.html opened from the file system; the person types as soon as the page shows."""
    page, watch = open_page()
    page.goto((real_site / "site-offline" / "index.html").as_uri(), wait_until="commit")
    box = search_box(page)
    box.click()
    box.press_sequentially(query, delay=50)
    found = wait_for_search(page, query)
    assert_found(query, title, found, page)
    open_first_result(page, found, query)
    assert page.url.startswith("file://"), f"the offline result led away from the files: {page.url}"
    assert not watch.errors, f"JavaScript errors in the offline site: {watch.errors}"


def test_offline_search_from_a_paper_page(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, terminal_index: site_search.SearchIndex
) -> None:
    """From a page one folder down the worker still finds the search file at the site's root, and
    results lead to the papers' files."""
    offline = real_site / "site-offline"
    page, watch = open_page()
    paper = sorted((offline / "papers").glob("*.html"))[0]
    page.goto(paper.as_uri())
    query, title = OFFLINE_QUERIES[0].values
    found = search(page, query)
    assert_found(query, title, found, page)
    assert matching_count(page) == len(terminal_index.search(query))
    loaded = [url.split("?")[0] for url in watch.requests if "lunr_index" in url]
    assert loaded == [(offline / "search" / "lunr_index.js").as_uri()]
    open_first_result(page, found, query)
    assert not watch.errors, f"JavaScript errors in the offline site: {watch.errors}"


def test_offline_site_served_over_http_finds_papers(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path
) -> None:
    """The offline copy put on a web server: there the search runs in a real worker (the shim acts
    on file:// only), which must run the offline site's search script rather than fetch it as JSON."""
    page, watch = open_page()
    with serve(real_site / "site-offline") as url:
        page.goto(url + "index.html")
        query, title = OFFLINE_QUERIES[0].values
        found = search(page, query)
        assert_found(query, title, found, page)
        assert any("lunr_index.js" in u for u in watch.requests), f"test premise: {watch.requests}"
        open_first_result(page, found, query)
    assert not watch.errors, f"JavaScript errors in the offline site over http: {watch.errors}"


def test_a_site_whose_search_file_cannot_be_loaded_says_search_is_unavailable(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, tmp_path: Path
) -> None:
    """A search file the worker cannot read (damaged, or a cached one of another version): the
    dialog says search is unavailable, not that nothing matches."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(real_site / "site", site)
    (site / site_search.SITE_DATA["hosted"]).write_text('{"format": 1}', encoding="utf-8")
    page, _ = open_page()
    with serve(site) as url:
        page.goto(url)
        box = search_box(page)
        box.click()
        box.press_sequentially("quantization", delay=20)
        expect(page.locator(RESULT_META)).to_have_text(re.compile(r"^Search is unavailable: .*Rebuild the site\.$"))


# --- no request leaves the machine ---------------------------------------------------------------------


def test_hosted_site_requests_only_its_own_host(open_page: Callable[..., tuple[Page, Watch]], real_url: str) -> None:
    page, watch = open_page()
    page.goto(real_url, wait_until="networkidle")
    found = search(page, "GPTQ")
    open_first_result(page, found, "GPTQ")  # instant navigation: fetched by script
    page.goto(found[0].href.split("?")[0], wait_until="networkidle")  # and a full page load
    page.goto(real_url + "topics/", wait_until="networkidle")
    assert len(watch.requests) > 5, f"test premise: the recorder saw too few requests: {watch.requests}"
    foreign = foreign_requests(watch.requests, host="127.0.0.1")
    assert not foreign, "the hosted site makes the reader's browser contact other hosts:\n" + "\n".join(foreign)


def test_offline_site_requests_only_files(open_page: Callable[..., tuple[Page, Watch]], real_site: Path) -> None:
    page, watch = open_page()
    page.goto((real_site / "site-offline" / "index.html").as_uri(), wait_until="networkidle")
    found = search(page, "GPTQ")
    open_first_result(page, found, "GPTQ")
    page.wait_for_load_state("networkidle")
    page.goto((real_site / "site-offline" / "topics" / "index.html").as_uri(), wait_until="networkidle")
    assert any(url.split("?")[0].endswith("/search/lunr_index.js") for url in watch.requests), (
        f"test premise: the offline search index was never loaded: {watch.requests}"
    )
    foreign = foreign_requests(watch.requests, host=None)
    assert not foreign, "the offline site reaches beyond the files it was unzipped to:\n" + "\n".join(foreign)


# --- hostile listing text -------------------------------------------------------------------------------


def hostile_papers(hostile_site: Path) -> list[dict[str, Any]]:
    return json.loads((hostile_site / "site" / "papers.json").read_text("utf-8"))


def test_hostile_fixture_titles_survive(hostile_site: Path) -> None:
    """Premise of the tests below: the generator kept the attack text as the paper's title and abstract."""
    papers = {paper["title"]: paper for paper in hostile_papers(hostile_site)}
    assert SCRIPT_TITLE in papers, f"the scripted title is missing from papers.json: {list(papers)}"
    for part in SCRIPT_ABSTRACT_PARTS:
        assert part in papers[SCRIPT_TITLE]["abstract"], f"{part!r} is missing from the scripted abstract"


def test_hostile_paper_pages_show_text_and_run_nothing(
    open_page: Callable[..., tuple[Page, Watch]], hostile_site: Path, hostile_url: str
) -> None:
    papers = hostile_papers(hostile_site)
    assert len(papers) == 5, f"test premise: the hostile listing should give 5 papers, got {len(papers)}"
    page, watch = open_page()
    for paper in papers:
        where = f"paper page {paper['url']}"
        page.goto(hostile_url + paper["url"], wait_until="load")
        expect(page.locator(PAGE_H1), f"{where}: the heading does not show the title as text").to_have_text(
            paper["title"]
        )
        expect(page, f"{where}: the browser tab does not show the title as text").to_have_title(
            re.compile("^" + re.escape(paper["title"]) + " - ")
        )
        abstract = page.locator("h2#abstract + p")
        expect(abstract, f"{where}: the abstract does not show as written").to_have_text(
            normalise_space(paper["abstract"])
        )
        article = page.locator("article")
        assert article.locator("script, img[src='x'], iframe, object, embed").count() == 0, (
            f"{where}: listing text became live HTML: {article.inner_html()[:2000]}"
        )
        links = article.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href') || '')")
        bad_links = [href for href in links if re.match(r"\s*(javascript|data|vbscript):", href, re.IGNORECASE)]
        assert not bad_links, f"{where}: the page has script links a click would run: {bad_links}"
        assert_not_pwned(page, watch, where)

    # The page that holds every attack, checked word for word.
    script_page = next(p for p in papers if p["title"] == SCRIPT_TITLE)
    page.goto(hostile_url + script_page["url"], wait_until="load")
    expect(page.locator(PAGE_H1)).to_have_text(SCRIPT_TITLE)
    expect(page).to_have_title(re.compile("^" + re.escape(SCRIPT_TITLE)))
    for part in SCRIPT_ABSTRACT_PARTS:
        expect(page.locator("h2#abstract + p"), f"the abstract does not show {part!r} literally").to_contain_text(part)
    assert_not_pwned(page, watch, "the scripted paper's page")
    image_requests = [url for url in watch.requests if url.rstrip("/").endswith("/x")]
    assert not image_requests, f"the abstract's <img src=x> became an image the browser loaded: {image_requests}"


def test_hostile_pages_that_list_papers_run_nothing(
    open_page: Callable[..., tuple[Page, Watch]], hostile_site: Path, hostile_url: str
) -> None:
    """Home, topic and tag pages repeat the hostile titles in their lists."""
    site = hostile_site / "site"
    slugs = [paper["slug"] for paper in hostile_papers(hostile_site)]
    pages = sorted(
        path.relative_to(site).parent.as_posix()
        for path in site.rglob("index.html")
        if not path.is_relative_to(site / "papers") and any(slug in path.read_text("utf-8") for slug in slugs)
    )
    assert "." in pages, f"test premise: the home page should list the hostile papers; pages found: {pages}"
    page, watch = open_page()
    for relative in pages:
        url = hostile_url + ("" if relative == "." else relative + "/")
        page.goto(url, wait_until="load")
        assert_not_pwned(page, watch, f"page {url}")
    # The scripted title, wherever a list shows it, is text.
    page.goto(hostile_url, wait_until="load")
    shown = page.locator(".md-content").inner_text()
    assert SCRIPT_TITLE in shown, f"the home page does not show the scripted title as text:\n{shown[:3000]}"
    assert_not_pwned(page, watch, "home page")


def test_hostile_search_finds_each_paper_and_runs_nothing(
    open_page: Callable[..., tuple[Page, Watch]], hostile_url: str
) -> None:
    page, watch = open_page()
    page.goto(hostile_url)
    for word, title_start in HOSTILE_WORDS.items():
        found = search(page, word)
        assert found and normalise_space(found[0].title).startswith(title_start), (
            f"searching {word!r} (a word only one paper uses) does not show that paper first; "
            f"the person sees:\n{shown_results(page)}"
        )
        result_list = page.locator(".md-search-result__list")
        assert result_list.locator("script, img, iframe, object, embed").count() == 0, (
            f"searching {word!r}: listing text became live HTML in the results: {result_list.inner_html()[:2000]}"
        )
        assert_not_pwned(page, watch, f"search results for {word!r}")

    found = search(page, "zebrafinch")
    shown = page.locator(".md-search-result__list").inner_text()
    assert SCRIPT_TITLE in normalise_space(shown), f"the scripted title is not shown as text in the results:\n{shown}"
    for part in SCRIPT_ABSTRACT_PARTS[:1]:
        assert part in shown, f"the result does not show {part!r} literally:\n{shown}"
    # The abstract's entry in the result (folded under "1 more on this page") opens the page with the
    # search word highlighted, which rewrites the abstract's text in the browser.
    highlighted = page.locator(".md-search-result__list a.md-search-result__link[href*='h=zebrafinch']")
    expect(highlighted.first, "no result entry carries the search word to highlight").to_be_attached()
    highlighted_url = highlighted.first.evaluate("(a) => a.href")
    open_first_result(page, found, "zebrafinch")
    assert_not_pwned(page, watch, "the scripted paper opened from search")
    page.goto(highlighted_url, wait_until="load")
    expect(page.locator("article mark").first, "the search word is not highlighted on the opened page").to_have_text(
        re.compile("zebrafinch", re.IGNORECASE)
    )
    expect(page.locator(PAGE_H1)).to_have_text(SCRIPT_TITLE)
    for part in SCRIPT_ABSTRACT_PARTS:
        expect(page.locator("h2#abstract + p"), "highlighting broke the literal abstract").to_contain_text(part)
    assert_not_pwned(page, watch, "the scripted paper opened from search with highlighting")


# --- accessibility and small screens --------------------------------------------------------------------

PAGE_KINDS = {
    "home": "",
    "paper": "papers/qlora-efficient-finetuning-of-quantized-llms/",
    "topic": "topics/quantization/",
    "broader topic": "topics/efficiency/",
    "topic map": "topics/",
    "organisation": "organisations/openbmb/",
    "organisations": "organisations/",
    "timeline": "timeline/",
    "about": "about/",
}
"""One page of every kind, by its hosted address."""


AXE_RESULTS_QUERY = "quantization"
"""What the axe test types into the search box to check the page with its results open."""


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is shown, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations]


@pytest.mark.parametrize("kind", ["hosted", "offline"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [*PAGE_KINDS.values(), "search"], ids=[*PAGE_KINDS, "search results"])
def test_no_serious_accessibility_violations(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, path: str, scheme: str, kind: str
) -> None:
    """axe-core finds no serious or critical problem on any kind of page, with the search results
    open, in the light and the dark palette (it follows the system's), hosted and from file://."""
    page, _ = open_page(color_scheme=scheme)
    opened = "" if path == "search" else path
    page.goto(address(kind, real_url, real_site, opened), wait_until="networkidle")
    palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert palette == ("slate" if scheme == "dark" else "default"), f"test premise: palette is {palette}"
    if path == "search":
        assert search(page, AXE_RESULTS_QUERY), "test premise: the search shows results"
        hovered = page.locator(".md-search-result__link").first
    else:
        hovered = page.locator(".md-content article a[href]:not(.headerlink)").first
    # A link under the mouse takes the accent colour, which had 4.3:1 (light) and 3.8:1 (dark).
    hovered.hover()
    # A colour mid-transition is neither palette's: check once the hover's transition has ended.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    report = serious_violations(page)
    assert not report, f"{kind} /{path} in {scheme} mode:\n" + "\n".join(report)


@pytest.mark.parametrize("path", PAGE_KINDS.values(), ids=list(PAGE_KINDS))
def test_no_sideways_scrolling_on_a_375px_phone(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, path: str
) -> None:
    page, _ = open_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page.goto(real_url + path, wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376"
        " && !e.closest('.md-typeset__scrollwrap, .md-sidebar, .md-search')).slice(0, 5)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert width <= 375, f"/{path} is {width}px wide on a 375px screen; too wide: {wide}"


# --- Greek letters, superscripts, fullwidth letters, accents (issue 13) --------------------------------

UNICODE_QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries_unicode.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("engine", ["hosted", "offline", "pagefind"])
def test_unicode_queries_rank_their_paper_first_in_the_browser(
    open_page: Callable[..., tuple[Page, Watch]],
    unicode_site: Path,
    unicode_pagefind_site: Path,
    engine: str,
) -> None:
    """`Σ`, `PixArt-Σ`, `D2GS`, `ＧＰＴ`, `cafe`... typed into the search box: the paper first, with
    lunr in the hosted site's worker, from file:// in the offline site, and with Pagefind."""
    page, watch = open_page()
    if engine == "offline":
        page.goto((unicode_site / "site-offline" / "index.html").as_uri())
        missed = _unicode_misses(page)
    else:
        with serve((unicode_site if engine == "hosted" else unicode_pagefind_site) / "site") as url:
            page.goto(url)
            missed = _unicode_misses(page)
            if engine == "pagefind":
                assert any("/pagefind/" in u for u in watch.requests), "test premise: Pagefind answered nothing"
    assert not missed, f"{engine}: expected papers not first:\n" + "\n\n".join(missed)
    assert not watch.errors, f"JavaScript errors ({engine}): {watch.errors}"


def _unicode_misses(page: Page) -> list[str]:
    missed = []
    for q in UNICODE_QUERIES:
        found = search(page, q["query"])
        if [r.title for r in found[:1]] != [q["title"]]:
            missed.append(f"{q['query']!r} ({q['kind']}):\n{shown_results(page, 3)}")
    return missed


# --- cite and look elsewhere (issue 16, item 5) --------------------------------------------------------

CITED = "gptq-accurate-post-training-quantization-for-generative-pre-trained-transformers"
"""A paper of the bundled listings whose page the citation tests open."""

CITE_BLOCKS = ".paper-cite pre > code"
COPY_BUTTON = '.paper-cite button[data-md-type="copy"]'
"""The theme's copy button of a code block (the first: the BibTeX entry's)."""

RECORD_COPIES_JS = """() => {
  window.__copied = [];
  document.addEventListener("copy", (event) => {
    const field = event.target;  // the theme copies through a hidden text area it selects
    window.__copied.push(field && "value" in field
      ? field.value.slice(field.selectionStart, field.selectionEnd) : String(document.getSelection()));
  });
}"""


def cited_paper(real_site: Path) -> dict[str, Any]:
    return next(p for p in json.loads((real_site / "site" / "papers.json").read_text("utf-8")) if p["slug"] == CITED)


@pytest.mark.parametrize("where", ["hosted", "offline"])
def test_a_paper_page_offers_its_citation_to_copy_from_the_keyboard(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, real_url: str, where: str
) -> None:
    """The BibTeX entry and the plain-text line show under "Cite"; Tab reaches the copy button and
    Enter copies the entry, on the hosted site and from file://."""
    paper = cited_paper(real_site)
    page, watch = open_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    if where == "hosted":
        page.goto(real_url + f"papers/{CITED}/", wait_until="networkidle")
    else:
        page.goto((real_site / "site-offline" / "papers" / f"{CITED}.html").as_uri(), wait_until="networkidle")
    expect(page.locator("h2#cite")).to_have_text("Cite")
    blocks = page.locator(CITE_BLOCKS)
    expect(blocks).to_have_count(2)
    entry = blocks.first.inner_text()
    hosted_address = f"http://127.0.0.1:8000/papers/{CITED}/"  # mkdocs.yml's site_url, offline too
    assert entry.startswith(f"@misc{{{CITED},\n  title = {{{{{paper['title']}}}}},\n"), entry
    assert f"  year = {{{paper['date'][:4]}}}," in entry and f"  url = {{{hosted_address}}},\n}}" in entry, entry
    assert blocks.nth(1).inner_text().startswith(paper["title"] + ". ") and hosted_address in blocks.nth(1).inner_text()

    page.evaluate(RECORD_COPIES_JS)
    page.locator(".paper-sources").scroll_into_view_if_needed()
    page.locator(".paper-related a").last.focus()  # the last link before the citation...
    for _ in range(20):  # ...then Tab, as a keyboard user goes on
        if page.evaluate(f"document.activeElement === document.querySelector('{COPY_BUTTON}')"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"{where}: Tab never reaches the citation's copy button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__copied.length > 0", timeout=5_000)
    assert page.evaluate("window.__copied") == [entry], f"{where}: the copy button copied something else"
    expect(page.locator(".md-dialog")).to_contain_text("Copied")
    assert not watch.errors and not console, f"{where}: errors on the page: {watch.errors + console}"


@pytest.mark.parametrize("where", ["hosted", "offline"])
def test_search_elsewhere_links_carry_the_title_and_load_nothing_from_those_sites(
    open_page: Callable[..., tuple[Page, Watch]], real_site: Path, real_url: str, where: str
) -> None:
    title = cited_paper(real_site)["title"]
    page, watch = open_page()
    if where == "hosted":
        page.goto(real_url + f"papers/{CITED}/", wait_until="networkidle")
    else:
        page.goto((real_site / "site-offline" / "papers" / f"{CITED}.html").as_uri(), wait_until="networkidle")
    links = page.locator(".paper-elsewhere a")
    expect(links).to_have_text(["arXiv", "Semantic Scholar", "Google Scholar"])
    query = title.replace(":", "%3A").replace(" ", "+")
    assert links.evaluate_all("(links) => links.map((a) => a.href)") == [
        f"https://arxiv.org/search/?query={query}&searchtype=all",
        f"https://www.semanticscholar.org/search?q={query}",
        f"https://scholar.google.com/scholar?q={query}",
    ]
    for rel in links.evaluate_all("(links) => links.map((a) => a.rel)"):
        assert set(rel.split()) >= {"external", "noopener"}, rel
    for index in range(3):  # pointing at or focusing a link fetches nothing from it
        links.nth(index).hover()
        links.nth(index).focus()
    page.wait_for_load_state("networkidle")
    assert len(watch.requests) > 3, f"test premise: the recorder saw too few requests: {watch.requests}"
    foreign = foreign_requests(watch.requests, host="127.0.0.1" if where == "hosted" else None)
    assert not foreign, f"{where}: the paper page contacts other hosts:\n" + "\n".join(foreign)


# --- readable everywhere (issue 16) ---------------------------------------------------------------------

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

READABLE_PX = 11
"""The smallest text a chart may show, in CSS pixels as the reader sees it (after the SVG's scaling)."""


_FIGURE_TEXT_JS = """(selector) => [...document.querySelectorAll(selector)].flatMap((figure) =>
  [...figure.querySelectorAll('*')]
    .filter((el) => el.tagName.toLowerCase() !== 'title' && el.getClientRects().length
      && [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
    .map((el) => {
      const scale = el instanceof SVGGraphicsElement ? el.getScreenCTM().a : 1
      const box = el.getBoundingClientRect()
      return { text: el.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize) * scale,
               caption: !!el.closest('figcaption'),
               box: [box.left, box.top, box.right, box.bottom] }
    }))"""


def figure_text(page: Page, selector: str = ".md-content figure") -> list[dict[str, Any]]:
    """Every piece of text in the page's figures, with the size it is shown at and its box."""
    return page.evaluate(_FIGURE_TEXT_JS, selector)


@pytest.mark.parametrize("path", ["topics/", "topics/efficiency/", "topics/quantization/", "timeline/"])
def test_chart_text_is_readable_on_a_phone(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, path: str
) -> None:
    """The topic map and the papers-per-year charts keep their text at 11 CSS px or more at 375 px
    (an SVG drawn for a desktop width and scaled down showed 4-5 px text)."""
    page, _ = open_page(**PHONE)
    page.goto(real_url + path, wait_until="networkidle")
    texts = [t for t in figure_text(page) if not t["caption"]]
    assert texts, f"test premise: /{path} shows a chart with text"
    small = [f"{t['text']!r}: {t['px']:.1f} px" for t in texts if t["px"] < READABLE_PX - 0.05]
    assert not small, f"/{path} at 375 px shows chart text below {READABLE_PX} px:\n" + "\n".join(small[:10])
    collisions = overlapping(texts)
    assert not collisions, f"/{path} at 375 px: chart texts overlap: " + "; ".join(collisions[:10])


def overlapping(boxes: list[dict[str, Any]]) -> list[str]:
    """Pairs of texts whose boxes intersect (by more than half a pixel each way)."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if min(r1, r2) - max(l1, l2) > 0.5 and min(b1, b2) - max(t1, t2) > 0.5:
                found.append(f"{a['text']!r} and {b['text']!r}")
    return found


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_topic_map_labels_do_not_overlap_and_lead_to_every_topic(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, size: str
) -> None:
    page, _ = open_page(**(DESKTOP if size == "desktop" else PHONE))
    page.goto(real_url + "topics/", wait_until="networkidle")
    labels = [t for t in figure_text(page, ".topic-map") if not t["caption"]]
    topics = sorted(p.stem for p in (real_site / "docs" / "topics").glob("*.md") if p.stem != "index")
    assert len(labels) >= len(topics), f"test premise: the map labels every topic; it shows {len(labels)} texts"
    collisions = overlapping(labels)
    assert not collisions, f"the topic map's labels overlap ({size}): " + "; ".join(collisions[:10])
    linked = page.locator(".topic-map a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert sorted(href.rstrip("/").rsplit("/", 1)[-1] for href in linked) == topics
    counts = page.locator(".topic-map").inner_text()
    assert re.search(r"\b104\b", counts), "the map does not say how many papers a topic has (Efficiency: 104)"


@pytest.mark.parametrize("kind", ["hosted", "offline"])
def test_no_errors_on_any_page_kind(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, real_site: Path, kind: str
) -> None:
    """Every kind of page loads without an uncaught exception or a console error, hosted and from
    file://, and so does searching; hosted, instant navigation to the topic map and on from it works."""
    page, watch = open_page()
    failures = []
    for name, path in PAGE_KINDS.items():
        before = len(watch.errors), len(watch.console_errors)
        page.goto(address(kind, real_url, real_site, path), wait_until="networkidle")
        page.wait_for_timeout(200)  # errors thrown from timers after load
        errors = watch.errors[before[0] :] + watch.console_errors[before[1] :]
        if errors:
            failures.append(f"{name} (/{path}): {errors}")
    page.goto(address(kind, real_url, real_site, ""), wait_until="networkidle")
    before = len(watch.errors), len(watch.console_errors)
    assert search(page, "quantization"), "test premise: search finds papers"
    errors = watch.errors[before[0] :] + watch.console_errors[before[1] :]
    if errors:
        failures.append(f"search: {errors}")
    if kind == "hosted":
        # Instant navigation (the page is fetched and swapped in by script) to the map, then from it.
        page.keyboard.press("Escape")
        page.goto(real_url + "about/", wait_until="networkidle")
        before = len(watch.errors), len(watch.console_errors)
        page.locator(".md-sidebar--primary a.md-nav__link", has_text="Topics").first.click()
        page.wait_for_url(real_url + "topics/")
        expect(page.locator(".topic-map")).to_be_visible()
        page.locator(".topic-map a").first.click()
        page.wait_for_url(re.compile(re.escape(real_url) + r"topics/[a-z0-9-]+/$"))
        expect(page.locator(".topic-chart"), "the topic map's link did not open the topic's page").to_be_visible()
        errors = watch.errors[before[0] :] + watch.console_errors[before[1] :]
        if errors:
            failures.append(f"instant navigation to and from the topic map: {errors}")
    assert not failures, f"{kind}: errors on pages:\n" + "\n".join(failures)


def test_about_page_lists_the_listings(open_page: Callable[..., tuple[Page, Watch]], real_url: str) -> None:
    """The listings the site was read from show as a list, not as one run-on sentence."""
    page, _ = open_page()
    page.goto(real_url + "about/")
    items = page.locator("article li", has_text=re.compile(r"^data/listings/\S+\.txt$"))
    expect(items, "the About page does not list the 5 listings one per item").to_have_count(5)
    run_on = page.locator("article p", has_text="data/listings/")
    expect(run_on, "a paragraph runs the listings' names together").to_have_count(0)


@pytest.mark.parametrize("kind", ["hosted", "offline", "pagefind"])
def test_search_counts_papers_and_shows_their_dates(
    open_page: Callable[..., tuple[Page, Watch]],
    request: pytest.FixtureRequest,
    real_url: str,
    real_site: Path,
    kind: str,
) -> None:
    page, watch = open_page()
    if kind == "offline":
        page.goto((real_site / "site-offline" / "index.html").as_uri())
    else:
        page.goto(real_url if kind == "hosted" else request.getfixturevalue("pagefind_url"))
    found = search(page, "GPTQ")
    expect(page.locator(RESULT_META)).to_have_text(re.compile(r"^\d+ matching papers$"))
    assert found[0].title.startswith("GPTQ:"), shown_results(page)
    first = page.locator(RESULT_ITEMS).first
    expect(first.locator("time"), "the result does not show the paper's date").to_have_text("Oct 31, 2022")
    expect(first.locator("time")).to_have_attribute("datetime", "2022-10-31")
    # A paper with no date says so; the count line of a search that finds nothing speaks of papers.
    search(page, "multi-state RNNs")
    undated = page.locator(RESULT_ITEMS).first
    expect(undated, "test premise: this paper is undated").to_contain_text("Transformers are Multi-State RNNs")
    expect(undated.locator(".search-result__date")).to_have_text("undated")
    # "finance" finds the topic page "Finance and business" beside papers: the count line counts the papers.
    found = search(page, "finance")
    expect(page.locator(RESULT_ITEMS)).to_have_count(len(found))
    shown = page.locator(f"{RESULT_ITEMS} > a.md-search-result__link").evaluate_all("(l) => l.map((a) => a.href)")
    papers = sum("/papers/" in href for href in shown)
    assert 0 < papers < len(shown), f"test premise: a topic page is among the results:\n{shown_results(page)}"
    expect(page.locator(RESULT_META)).to_have_text(f"{papers} matching paper{'s' if papers != 1 else ''}")
    if kind != "pagefind":  # the terminal reads the same lunr index
        hits = site_search.open_site(real_site / "site").index.search("finance")
        assert site_search.papers_found(hits) == papers, "the search box and `generator search` count differently"
    box = search_box(page)
    box.fill("")
    box.press_sequentially("attention topic:astrology", delay=20)
    wait_for_search(page, "attention topic:astrology")
    expect(page.locator(RESULT_META)).to_have_text("No matching papers")
    box.fill("")
    expect(page.locator(RESULT_META), "an emptied box keeps an old count").to_have_text("Type to start searching")
    assert not watch.errors, watch.errors


_COLOUR_JS = """(selector) => getComputedStyle(document.querySelector(selector)).color"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_paper_title_reads_as_dark_text(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str, scheme: str
) -> None:
    """A paper's title is in the text's colour, not the theme's light grey for headings."""
    page, _ = open_page(color_scheme=scheme)
    page.goto(real_url + PAGE_KINDS["paper"])
    title, text = page.evaluate(_COLOUR_JS, PAGE_H1), page.evaluate(_COLOUR_JS, "h2#abstract + p")
    assert title == text, f"{scheme}: the title is {title}, the abstract {text}"


def test_home_page_has_the_navigation_of_every_page(
    open_page: Callable[..., tuple[Page, Watch]], real_url: str
) -> None:
    page, _ = open_page(**DESKTOP)
    links = ".md-sidebar--primary .md-nav--primary > .md-nav__list > .md-nav__item > a.md-nav__link"
    page.goto(real_url + "about/")
    expected = [normalise_space(text) for text in page.locator(links).all_inner_texts()]
    assert expected == ["Home", "Topics", "Timeline", "Organisations", "Reading list", "About"], (
        f"test premise: {expected}"
    )
    page.goto(real_url)
    expect(page.locator(links).first, "the home page shows no navigation").to_be_visible()
    assert [normalise_space(text) for text in page.locator(links).all_inner_texts()] == expected


@pytest.mark.parametrize("path", ["", PAGE_KINDS["paper"]])
def test_site_name_fits_on_a_phone(open_page: Callable[..., tuple[Page, Watch]], real_url: str, path: str) -> None:
    page, _ = open_page(**PHONE)
    page.goto(real_url + path, wait_until="networkidle")
    name = page.locator(".md-header__topic").first
    expect(name).to_have_text("Language model papers")
    cut = name.evaluate(
        "(el) => [el, ...el.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1)"
        " || el.getBoundingClientRect().right > document.querySelector('.md-header__inner').getBoundingClientRect().right"
    )
    assert not cut, f"/{path}: the site's name is cut in the header at 375 px"
    header = page.locator(".md-header").bounding_box()
    assert header and header["height"] <= 80, f"the header grew to {header} px"
