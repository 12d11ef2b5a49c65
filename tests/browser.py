"""Helpers for the browser tests (and the benchmarks and screenshots that drive a browser): a local web server, Chromium, a recorder of what a page does, and search as a person uses it.

The tests drive Debian's Chromium through Playwright (Playwright's own browser download is not used).
Search follows Material for MkDocs' markup: ``.md-search__input`` for the query, one
``.md-search-result__item`` per page found, whose first ``a.md-search-result__link`` holds the page's
title in an ``h1`` and carries the query terms that matched it in its ``?h=`` parameter.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Locator, Page, Request, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from generator.emit import addresses
from generator.search import words

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for Debian's Chromium in a container without a display or network."""

SEARCH_INPUT = ".md-search__input"
SEARCH_TOGGLE = 'label.md-header__button[for="__search"]'
RESULT_ITEMS = ".md-search-result__list > .md-search-result__item"
RESULT_META = ".md-search-result__meta"
PAGE_H1 = ".md-content__inner > h1"
"""The page's own heading (search results hold h1 elements too)."""

SEARCH_TIMEOUT_MS = 15_000
"""How long search may take to show the results of the whole query (the slowest take about 1.5 s)."""

SEARCH_QUIET_MS = 1_500
"""How long results that do not mention the query's last term must stay unchanged to count as final."""

TYPING_DELAY_MS = 50
"""Time between two keystrokes: a quick typist."""

SEPARATOR = re.compile(r"[\s\-]+")
"""How the site's search splits a query into terms (``separator`` in the search index's config)."""


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright; closed after the block. The one place the
    tests, the benchmarks and the screenshots start a browser."""
    executable = chromium_path()
    if executable is None:
        raise SystemExit("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """Serves text files gzip-compressed to clients that accept it, as GitHub Pages does."""

    COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv")

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if (
            "gzip" not in self.headers.get("Accept-Encoding", "")
            or path.suffix not in self.COMPRESSED
            or not path.is_file()
        ):
            return super().send_head()  # directories without a slash (redirected), other files, missing files
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(directory: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve ``directory`` over http on 127.0.0.1 at a free port; yields the base URL (ending in ``/``).
    With ``compress``, text files go gzip-compressed to clients that accept it (as GitHub Pages serves them)."""
    handler = functools.partial(_GzipHandler if compress else _QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"http {directory}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Watch:
    """Everything a page asked for or showed that a test may want to complain about."""

    requests: list[str] = field(default_factory=list)
    """URL of every request, in order, from the page, its frames and its workers."""
    dialogs: list[str] = field(default_factory=list)
    """``type: message`` of every alert, confirm, prompt or beforeunload dialog (each dismissed)."""
    errors: list[str] = field(default_factory=list)
    """Uncaught JavaScript exceptions."""
    console_errors: list[str] = field(default_factory=list)
    """What the page logged to the console as an error (a failed load, a caught exception reported)."""

    def attach(self, page: Page) -> Watch:
        page.on("request", self._on_request)
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._on_console)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def address(kind: str, hosted_url: str, project: Path, path: str) -> str:
    """A page's address on the hosted or the offline site of a build in ``project``, from its hosted
    address (``topics/x/``); offline, the file the site maps it to (generator/emit/addresses.py), of
    the source the build wrote (``topics/index.md`` -> ``topics/index.html``)."""
    if kind == "hosted":
        return hosted_url + path
    offline = project / "site-offline"
    files = [addresses.offline_url(source) for source in addresses.sources(path)]
    found = next((file for file in files if (offline / file).is_file()), None)
    if found is None:
        raise ValueError(f"no page of {offline} has the hosted address {path!r} (tried {files})")
    return f"{offline.as_uri()}/{found}"


def foreign_requests(urls: list[str], *, host: str | None) -> list[str]:
    """The URLs that leave the machine: with ``host``, any http(s)/ws(s) URL to another host and any
    other scheme than file, data, blob and about; without, anything but file URLs."""
    if host is None:
        return [url for url in urls if urlsplit(url).scheme != "file"]
    foreign = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"}:
            if parts.hostname != host:
                foreign.append(url)
        elif parts.scheme not in {"file", "data", "blob", "about"}:
            foreign.append(url)
    return foreign


def search_box(page: Page) -> Locator:
    """Material's search box, made visible (narrow viewports hide it behind the header's search button)."""
    box = page.locator(SEARCH_INPUT)
    toggle = page.locator(SEARCH_TOGGLE)
    expect(box, "the page shows no search box").to_be_attached()
    if toggle.is_visible():  # only narrow layouts show the button; there the box waits off screen
        toggle.click()
    expect(box, "the search box never comes into view").to_be_in_viewport()
    expect(box, "the search box never shows").to_be_visible()
    return box


def type_query(page: Page, query: str) -> None:
    """Click into the search box, clear it and type ``query`` key by key."""
    box = search_box(page)
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=TYPING_DELAY_MS)
    if not query.isascii():
        # Playwright inserts a character no US key types (Σ, ²) as text, with no key events; Material
        # searches on keyup, which a Greek keyboard or an input method sends: one key, as they do.
        box.press("End")


@dataclass(frozen=True)
class Result:
    """One search result: a page."""

    title: str
    """The page's title as the result shows it."""
    href: str
    """Where clicking the result leads."""
    terms: tuple[str, ...]
    """Query terms Material says matched the page or one of its sections (from the links' ``?h=``)."""


_RESULTS_JS = """(selector) => [...document.querySelectorAll(selector)].map((item) => {
  const links = [...item.querySelectorAll("a.md-search-result__link")];
  const heading = item.querySelector("article h1, article h2");
  const terms = links.flatMap((a) => (new URL(a.href).searchParams.get("h") || "").split(" ").filter(Boolean));
  return { title: heading ? heading.textContent.trim() : "", href: links.length ? links[0].href : "", terms };
})"""

_SETTLED_JS = """([selector, term, quietMs]) => {
  const links = [...document.querySelectorAll(selector + " a.md-search-result__link")];
  if (links.some((a) => (new URL(a.href).searchParams.get("h") || "").split(" ").includes(term))) return true;
  const meta = document.querySelector(".md-search-result__meta");
  const shown = links.map((a) => a.href).join(" ") + " | " + (meta ? meta.textContent : "");
  const watch = (window.__searchSettle ||= { shown: null, since: 0 });
  const now = performance.now();
  if (watch.shown !== shown) Object.assign(watch, { shown, since: now });
  return now - watch.since >= quietMs;
}"""


def results(page: Page) -> list[Result]:
    """The search results shown now, best first."""
    return [Result(r["title"], r["href"], tuple(r["terms"])) for r in page.evaluate(_RESULTS_JS, RESULT_ITEMS)]


def shown_results(page: Page, limit: int = 5) -> str:
    """What the person sees in the result list, for assertion messages."""
    meta = page.locator(RESULT_META)
    lines = [f"result count line: {meta.inner_text()!r}" if meta.count() else "no result list"]
    lines += [f"{i}. {r.title!r} -> {r.href}" for i, r in enumerate(results(page)[:limit], 1)]
    return "\n".join(lines)


def wait_for_search(page: Page, query: str) -> list[Result]:
    """Wait until the results answer the whole ``query`` (not a prefix typed on the way) and return them.

    Search runs on every keystroke and its answers arrive later. The results answer the whole query once
    a result says the query's last term matched (Material lists the matched terms in each result link's
    ``?h=``); a prefix of that term typed on the way is a different term. When no result matches the last
    term (no results at all, or a stop word), the results count as final once they stay the same for
    SEARCH_QUIET_MS.
    """
    last = SEPARATOR.split(query.strip().lower())[-1]
    folded = words(last)  # as the worker reports it: "D²GS" matched as "d2gs"
    last = folded[-1] if folded else last
    page.evaluate("() => { delete window.__searchSettle }")
    try:
        page.wait_for_function(
            _SETTLED_JS, arg=[RESULT_ITEMS, last, SEARCH_QUIET_MS], polling=100, timeout=SEARCH_TIMEOUT_MS
        )
    except PlaywrightTimeoutError as error:
        raise AssertionError(
            f"searching {query!r}: the results kept changing for {SEARCH_TIMEOUT_MS / 1000:.0f} s; "
            f"the person sees:\n{shown_results(page)}"
        ) from error
    return results(page)


def search(page: Page, query: str) -> list[Result]:
    """Type ``query`` into the search box as a person does and return the results once they answer it."""
    type_query(page, query)
    return wait_for_search(page, query)


def normalise_space(text: str) -> str:
    """Collapse runs of white space as a browser shows them."""
    return " ".join(text.split())
