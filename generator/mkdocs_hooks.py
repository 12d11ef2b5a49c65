"""MkDocs hooks of the hosted render (``mkdocs.yml``; generator/offline.py derives the offline site
from it) and of the offline reference render (``mkdocs.offline.yml``, which tests compare the
derived site with): the site's search, accessibility fixes to the theme's output, and the offline shim.

- Search: Material's search dialog stays, but its worker is the site's own
  (``generator/search/worker.js`` after lunr.js from ``npm ci``, served as one file). The search
  data Material loads (``search/search_index.json``, and ``search_index.js`` in the offline build)
  holds only settings: Material's, and the generator's in ``config.papers``, which name the search
  file the worker loads itself (``docs/search/index.json`` as built by ``generator/search/``:
  ``search/lunr_index.json``, or in the offline build the script ``search/lunr_index.js``), so the
  page neither parses nor copies the index. ``search/facets.js`` gives the facet menus their values.
- Material's search dialog has no accessible name (axe: aria-dialog-name); one is added here
  rather than by copying the theme's template into the project.
- ``memo`` lets a template render a block once per build that many pages share (a paper page's
  navigation, footer and scripts: overrides/paper.html).
- The offline build serves the iframe-worker shim installed by ``npm ci`` instead of loading it
  from a CDN.
- Links: the generator writes links between pages for the hosted site's folder addresses; in an
  offline render ``on_page_content`` and the templates' ``site_links`` filter map them to the
  ``.html`` files, through generator/emit/addresses.py, as the derivation does.
- Feeds: a topic's or an organisation's page names the papers of its RSS feed (``feed`` in its
  front matter, generator/emit/render.py); the feed plugin's items and template (the site's feed of
  newest papers) write it beside the page's address (``topics/<slug>.xml``), and
  overrides/main.html links it from the page's head.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

if TYPE_CHECKING or __package__:  # imported as generator.mkdocs_hooks (tests)
    from generator.emit import addresses
    from generator.search import searchfile
else:  # loaded by MkDocs from its file, with the file's folder on the path: generator/emit/addresses.py,
    from emit import addresses  # generator/search/searchfile.py (neither imports anything of the generator)
    from search import searchfile

SHIM = Path(addresses.SHIM)
SHIM_URI = addresses.SHIM_URI

LUNR = Path("node_modules/lunr/lunr.min.js")
"""lunr.js as ``npm ci`` installs it, relative to the project root."""

WORKER = Path(__file__).parent / "search" / "worker.js"
WORKER_URI = "assets/javascripts/search-worker.{hash}.js"
"""Where the site's search worker (lunr.js and the worker script in one file) lands in the site,
named by its content as Material names its own worker: a deploy that changes it changes the
address the pages give, so no browser keeps answering with a cached older worker."""


SEARCH_DATA = searchfile.INDEX_FILE
"""The generator's search data in docs/; kept out of the site as it is."""

SITE_DATA = searchfile.SITE_DATA
"""Where the site's worker finds the search file, hosted and offline."""

SETTINGS_LEFT_OUT = ("docs", "index", "topic_sets", "full_text", "compat")
"""Parts of the search file the worker reads from the file, not from the page's settings (which
keep the facet values and the query settings: Pagefind's worker and the facet menus have no search
file, and Pagefind's worker bounds a query's words as the lunr one does)."""

_MATERIAL_WORKER = re.compile(r'("search": "[^"]*assets/javascripts/)workers/search\.[0-9a-f]+\.min\.js"')
_FEED_TITLE = re.compile(r"(<item>\s*<title>)(.*?)(</title>)", re.DOTALL)
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_FEED_LINK = '<link rel="alternate" type="application/rss+xml"'


def _own_search(config: MkDocsConfig) -> bool:
    """Whether the site's own search replaces Material's (``extra: {site_search: false}`` keeps
    Material's, as the benchmarks do for a baseline)."""
    return bool(config.extra.get("site_search", True))


def _offline(config: MkDocsConfig) -> bool:
    return "material/offline" in config.plugins or "offline" in config.plugins


@dataclasses.dataclass
class _Build:
    """What the hooks learn during one build and use later in it: the only state they keep, made
    anew by ``on_config`` (``mkdocs serve`` builds again in the same process)."""

    search_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    """The generator's search data (read once, in ``on_config``)."""
    feeds: list[tuple[str, dict[str, Any]]] = dataclasses.field(default_factory=list)
    """The feeds: the address of the page that has one, and its ``feed`` front matter (``title``,
    ``papers``) with the ``file`` it is written to (set in ``on_page_markdown``)."""
    worker_uri: str = WORKER_URI.format(hash="0" * 8)
    """The search worker's address (set in ``on_files``)."""
    memo: dict[tuple[str, ...], str] = dataclasses.field(default_factory=dict)
    """Template blocks rendered once per build (see ``memo``)."""
    memo_on: bool = True
    """False with ``extra: {memo: false}``: every block rendered on every page (tests compare the two)."""


_build = _Build()
"""The build running."""


def _pagefind(config: MkDocsConfig) -> bool:
    """Whether Pagefind answers this build's search box (the hosted build, when the generator chose it)."""
    return _build.search_data.get("engine") == "pagefind" and not _offline(config)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Read the generator's search data; offline build: point Material's polyfills at the local
    shim, not the CDN address."""
    if _offline(config):
        config.extra["polyfills"] = [SHIM_URI]
    global _build
    _build = _Build(memo_on=bool(config.extra.get("memo", True)))
    data = Path(config.docs_dir) / SEARCH_DATA
    if _own_search(config) and data.is_file():
        _build.search_data.update(json.loads(data.read_text(encoding="utf-8")))
    return config


_TITLE = "\x00page title\x00"
"""Where ``memo(..., title=...)`` puts each page's title into a block rendered once."""


def titled_page(page: Page) -> SimpleNamespace:
    """A stand-in for ``page`` whose title is ``_TITLE``, for a block that shows only the page's
    title and links (relative to the page's address)."""
    return SimpleNamespace(url=page.url, title=_TITLE, meta={"title": _TITLE})


def memo(*key: str, caller: Callable[[], str], title: str | None = None) -> str:
    """``{% call memo(name, base_url) %}...{% endcall %}``: the body rendered the first time its key
    is met, then the same text again. For blocks that come out the same on many pages (a paper
    page's navigation, footer and scripts); the key must name everything the body depends on.
    With ``title``, the body is rendered for ``titled_page`` and each page's title put in."""
    found = _build.memo.get(key) if _build.memo_on else None
    if found is None:
        found = _build.memo[key] = caller()
    return found if title is None else found.replace(_TITLE, title)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Give templates ``memo`` and ``site_links``; forget what an earlier build (``mkdocs serve``) rendered.
    ``extra: {memo: false}`` renders every block on every page (tests compare the two)."""
    _build.memo.clear()
    env.globals["memo"] = memo
    env.globals["titled_page"] = titled_page

    def site_links(html: str, page: Page) -> str:
        """HTML the generator wrote with hosted addresses, as this build needs it (offline: files)."""
        return html if config.use_directory_urls else _offline_links(html, page, files)

    env.filters["site_links"] = site_links
    return env


def _project_file(config: MkDocsConfig, path: Path) -> Path:
    found = Path(config.config_file_path).parent / path
    if not found.is_file():
        raise PluginError(f"{path} is missing: run `npm ci` in the project folder, then build again")
    return found


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the search worker; keep the search data out (it is merged in after the build); offline
    build: add the shim installed from the npm registry."""
    data = files.get_file_from_path(SEARCH_DATA)
    if data is not None:
        files.remove(data)
    if _own_search(config):
        if data is None or data.abs_src_path is None:
            raise PluginError(
                f"{SEARCH_DATA} is missing from the docs folder: build the site with `python -m generator build`"
            )
        worker = _project_file(config, LUNR).read_text(encoding="utf-8") + "\n" + WORKER.read_text(encoding="utf-8")
        _build.worker_uri = WORKER_URI.format(hash=_content_hash(worker))
        files.append(File.generated(config, _build.worker_uri, content=worker))
    if not _offline(config):
        return files
    files.append(File.generated(config, SHIM_URI, abs_src_path=str(_project_file(config, SHIM))))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Keep every page out of Material's own search index: the site's worker answers from the
    generator's index, and Material would parse every page's HTML for nothing. Note the page's
    feed, if it has one and the build writes feeds."""
    if _own_search(config):
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    feed = page.meta.get("feed")
    if isinstance(feed, dict) and "rss" in config.plugins:
        feed["file"] = PurePosixPath(page.file.src_uri).with_suffix(".xml").as_posix()
        _build.feeds.append((page.canonical_url or page.url, feed))
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Offline build: point the links the generator wrote for the hosted site's folder addresses
    (paper lists, topic chips) at the ``.html`` files; Markdown links are MkDocs's, right already."""
    if config.use_directory_urls:
        return html
    return _offline_links(html, page, files, keep=lambda link: not addresses.hosted_form(link))


def _offline_links(html: str, page: Page, files: Files, keep: Callable[[str], bool] | None = None) -> str:
    """HTML the generator wrote for the page's hosted address, as the page's offline address needs it."""

    def offline(url: str) -> str | None:
        found = (files.get_file_from_path(src) for src in addresses.sources(url))
        return next((addresses.offline_url(f.src_uri) for f in found if f is not None), None)

    src = page.file.src_uri
    return addresses.offline_links(html, addresses.hosted_url(src), addresses.offline_url(src), offline, keep)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Point the page's search at the site's worker; give the search dialog an accessible name."""
    if _own_search(config):
        output, found = _MATERIAL_WORKER.subn(
            lambda m: m[1] + _build.worker_uri.rsplit("/", 1)[1] + '"', output, count=1
        )
        if not found:
            raise PluginError(f"{page.file.src_uri}: the theme's search worker address was not found in the page")
    # Material reads every <link rel="alternate"> as another language of the site and downloads and
    # parses the whole sitemap once per such link, on every page opened: with the two feed links,
    # 0.6 s of the page's time at 10,000 papers, during which the search box cannot answer
    # (bench/RESULTS.md, "Search"). "alternate feed" still announces the feeds to feed readers.
    output = output.replace(_FEED_LINK, '<link rel="alternate feed" type="application/rss+xml"')
    return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)


def on_post_build(config: MkDocsConfig) -> None:
    """Put the generator's search data where Material loads it; fix the RSS feed's titles."""
    if _own_search(config):
        _write_search_data(config)
    _fix_feed_titles(config)
    _write_feeds(config)


def _write_search_data(config: MkDocsConfig) -> None:
    """``search/search_index.json``: Material's search settings (the page highlighter reads them)
    and the generator's, naming the search file, which goes beside it (``SITE_DATA``) unless
    Pagefind answers; ``search/facets.js``: the facet values for the menus in the dialog."""
    target = Path(config.site_dir) / "search" / "search_index.json"
    material = json.loads(target.read_text(encoding="utf-8"))
    settings = {k: v for k, v in _build.search_data.items() if k not in SETTINGS_LEFT_OUT}
    if not _pagefind(config):
        settings["engine"] = "lunr"
        data = SITE_DATA["offline" if _offline(config) else "hosted"]
        text = (Path(config.docs_dir) / SEARCH_DATA).read_text(encoding="utf-8")
        if _offline(config):  # from file:// the worker can only run a script
            text = searchfile.as_script(text)
        (Path(config.site_dir) / data).write_text(text, encoding="utf-8")
        # Versioned by its content: after a deploy the worker fetches the new file, not a cached one.
        settings["data"] = f"{data}?v={_content_hash(text)}"
    # Addresses in the search file have no ending: the offline build's pages are papers/x.html.
    settings["suffix"] = "/" if config.use_directory_urls else ".html"
    settings["site_url"] = config.site_url or ""
    merged = {"config": {**material["config"], "papers": settings}, "docs": []}
    target.write_text(_json(merged), encoding="utf-8")
    facets = _json({name: settings["facets"][name] for name in sorted(settings["facets"])})
    (target.parent / "facets.js").write_text(f"var __facets = {facets}\n", encoding="utf-8")


def _content_hash(text: str) -> str:
    """Eight hex digits of the text's SHA-256: a file's version in its address."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _json(value: Any) -> str:
    """JSON text that is also a JavaScript literal in any browser (U+2028 and U+2029 escaped): the
    settings become ``search_index.js`` in the offline build, and the facet values ``facets.js``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _fix_feed_titles(config: MkDocsConfig) -> None:
    """Undo the double escaping of item titles in the RSS feed.

    The generator HTML-escapes page titles because Material prints them as HTML; the feed plugin
    escapes them again, so readers would show ``&amp;lt;``. One unescape gives XML-escaped text.
    """
    for feed in Path(config.site_dir).glob("feed_rss_*.xml"):
        text = feed.read_text(encoding="utf-8")
        fixed = _FEED_TITLE.sub(lambda m: m[1] + html.unescape(m[2]) + m[3], text)
        if fixed != text:
            feed.write_text(fixed, encoding="utf-8")


def _write_feeds(config: MkDocsConfig) -> None:
    """Each feed ``_Build.feeds`` holds, from the feed plugin's items of its papers, in the given order,
    by the plugin's template with the site's feed as the channel (its dates, language, generator)."""
    plugin: Any = config.plugins.get("rss")
    if plugin is None or not _build.feeds:
        return
    items = {info._mkdocs_page_ref.src_uri: info for info in plugin.pages_to_filter}
    # Autoescaped: the plugin's template escapes only some of what it prints (a feed's title in
    # <source> is not). Titles are HTML-escaped in the front matter: unescaped here, as in the site's
    # feed (``_fix_feed_titles``); a description is HTML in RSS, so it stays as it is.
    env = Environment(loader=FileSystemLoader(plugin.tpl_folder), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = env.get_template(plugin.tpl_file.name)
    site = Path(config.site_dir)
    for page_url, feed in _build.feeds:
        entries = []
        for slug in feed["papers"]:
            info = items.get(f"papers/{slug}.md")
            if info is None:
                raise PluginError(f"the feed {feed['file']} lists papers/{slug}.md, which the feed plugin left out")
            entries.append(
                dataclasses.replace(
                    info,
                    title=html.unescape(info.title),
                    pub_date=format_datetime(info.created),
                    _mkdocs_page_ref=None,
                )
            )
        stylesheet = plugin.feed_created.stylesheet  # "rss.xsl" beside the site's feed, or an address
        if stylesheet and "://" not in stylesheet and not stylesheet.startswith("/"):
            stylesheet = "../" * feed["file"].count("/") + stylesheet
        channel = dataclasses.replace(
            plugin.feed_created,
            title=feed["title"],
            description=feed["title"],
            html_url=page_url,
            rss_url=(config.site_url or "") + feed["file"],
            stylesheet=stylesheet,
            entries=entries,
        )
        # No logo: the template would write <url>None</url>, since it asks whether one is defined.
        data = {k: v for k, v in dataclasses.asdict(channel).items() if k != "logo_url" or v}
        # As the plugin writes its feeds: one line, runs of spaces folded.
        text = re.sub(" {2,}", " ", template.render(feed=data).replace("\n", " "))
        (site / feed["file"]).write_text(text, encoding="utf-8")
