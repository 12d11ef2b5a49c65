"""The offline site derived from the hosted one: one MkDocs render, two sites.

MkDocs renders the hosted site (``mkdocs.yml``); the offline site (``site-offline/``, opened from
``file://``) is the same pages with every link between pages pointed at files instead of folders
(generator/emit/addresses.py), put where ``use_directory_urls: false`` puts them (``papers/x.html``), plus
what differs when the site is opened from the file system, as Material's offline plugin and the
hooks make it when MkDocs renders it on its own (``mkdocs.offline.yml``, the reference a test
compares this with, file by file):

- the iframe-worker shim (from ``npm ci``) loaded before the theme's scripts, since browsers refuse
  a worker from ``file://``; no instant navigation (the theme fetches pages for it);
- the search data as scripts (``search/search_index.js``, ``search/lunr_index.js``): a page opened
  from ``file://`` cannot fetch a JSON file; always lunr (Pagefind needs a web server);
- no feeds (they give hosted addresses), no Pagefind bundle, the sitemap's addresses as
  files.

Files both sites share (stylesheets, scripts, previews, ``papers.json``) are hard links to the
hosted site's, where the file system allows it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import search
from .emit import addresses

HOSTED_ONLY = re.compile(r"^(?:pagefind/.*|[^/]*\.xml(?:\.gz)?|(?:topics|organisations)/[^/]*\.xml|rss\.xsl)$")
"""Files of the hosted site the offline one has not: Pagefind's bundle, the feeds and their style
sheet (the sitemap, also matched, is written again with the offline addresses)."""

SEARCH_SETTINGS = "search/search_index.json"
"""Material's search settings, holding the generator's (generator/mkdocs_hooks.py ``_write_search_data``)."""

_SITE_FEEDS = re.compile(
    r'(?:\n        <link rel="alternate(?: feed)?" type="application/rss\+xml" title="RSS feed[^"]*" href="[^"]*">)+\n      (?=\n)'
)
_PAGE_FEED = re.compile(r'\n  <link rel="alternate feed" type="application/rss\+xml"[^>]*>')
_PALETTE_THEN_LIBS = re.compile(r'(palette\.[0-9a-f]+\.min\.css">\n      \n      \n\n\n    \n    \n      \n)')
_SCOPE = re.compile(r'(__md_scope=new URL\(")([^"]*)(",location\))')
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)
_CONFIG_LINK = re.compile(r'("(?:base|search)": ")([^"]*)(")')
_CANONICAL = re.compile(r'(<link rel="canonical" href=")([^"]*)(")')
_SITEMAP_LOC = re.compile(r"(<loc>)([^<]*)(</loc>)")


def derive(hosted: Path, offline: Path, docs: Path, root: Path, part: int = 0, parts: int = 1) -> None:
    """Write the offline site into the empty folder ``offline`` from the hosted site ``hosted``, built
    by MkDocs from ``docs``; ``root``: the project folder (for the shim).

    ``part`` of ``parts``: write only that share of the pages (every ``parts``-th, in the order of the
    hosted folder's listing), and the other files with part 0; processes running every part of the
    same ``parts`` at once write the whole site, each page once."""
    settings = json.loads((hosted / SEARCH_SETTINGS).read_text(encoding="utf-8"))
    site_url: str = settings["config"]["papers"]["site_url"]
    sources = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    pages = addresses.offline_pages(sources)
    files_of = {addresses.hosted_file(url): url for url in pages}
    base_path = urlsplit(site_url).path or "/"
    made: set[Path] = set()

    def target(relative: str) -> Path:
        path = offline / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        return path

    cache: dict[tuple[str, str, str, bool], str] = {}
    count = 0
    for folder, folders, names in os.walk(hosted):
        here = os.path.relpath(folder, hosted)
        if here == ".":
            folders[:] = [name for name in folders if not HOSTED_ONLY.match(f"{name}/")]
        for name in names:
            relative = name if here == "." else f"{here}/{name}".replace(os.sep, "/")
            source = Path(folder) / name
            if relative in files_of or relative == "404.html":
                count += 1
                if count % parts != part:
                    continue
            elif part:
                continue
            if relative in files_of:
                url = files_of[relative]
                text = page(source.read_text(encoding="utf-8"), url, pages[url], pages, site_url, base_path, cache)
                target(pages[url]).write_text(text, encoding="utf-8")
            elif relative == "404.html":
                text = page(
                    source.read_text(encoding="utf-8"), "404.html", "404.html", pages, site_url, base_path, cache
                )
                target(relative).write_text(text, encoding="utf-8")
            elif relative == "sitemap.xml":
                text = sitemap(source.read_text(encoding="utf-8"), pages, site_url)
                target(relative).write_text(text, encoding="utf-8")
                target("sitemap.xml.gz").write_bytes(_gzipped(text, hosted / "sitemap.xml.gz"))
            elif relative == SEARCH_SETTINGS:
                _search_files(source, docs, target)
            elif relative == search.SITE_DATA["hosted"] or HOSTED_ONLY.match(relative):
                continue
            else:
                _share(source, target(relative))
    if not part:
        shutil.copyfile(root / addresses.SHIM, target(addresses.SHIM_URI))


def page(
    html: str,
    url: str,
    offline_url: str,
    pages: dict[str, str],
    site_url: str,
    base_path: str = "/",
    cache: dict[tuple[str, str, str, bool], str] | None = None,
) -> str:
    """A hosted page (at ``url``) as the offline site has it (at ``offline_url``); ``cache``: links
    mapped before (``addresses.offline_links``)."""
    if url == "404.html":  # MkDocs writes the 404 page's links from the site's root (/assets/...)
        base = base_path.rstrip("/") or "/"
        shim = f"{base_path.rstrip('/')}/{addresses.SHIM_URI}"
    else:
        base = addresses.relative("", offline_url)
        shim = addresses.relative(addresses.SHIM_URI, offline_url)
    html = _PAGE_FEED.sub("", _SITE_FEEDS.sub("", html, count=1), count=1)
    html = addresses.offline_links(html, url, offline_url, pages.get, cache=cache)
    html, found = _PALETTE_THEN_LIBS.subn(
        lambda m: f'{m[1]}        <script src="{shim}"></script>\n      \n', html, count=1
    )
    if not found:
        raise ValueError(f"{url}: the theme's scripts were not found where the offline shim goes")
    html = _SCOPE.sub(lambda m: m[1] + base + m[3], html, count=1)
    html = _CONFIG.sub(lambda m: m[1] + _config(m[2], base, url, offline_url, pages) + m[3], html, count=1)
    return _CANONICAL.sub(
        lambda m: m[1] + (site_url + offline_url if m[2] == site_url + url else m[2]) + m[3], html, count=1
    )


def _config(text: str, base: str, url: str, offline_url: str, pages: dict[str, str]) -> str:
    """The theme's settings of a page: its root and worker addresses, no instant navigation."""

    def link(m: re.Match[str]) -> str:
        value = base if m[1] == '"base": "' else addresses.offline_link(m[2], url, offline_url, pages.get)
        return m[1] + value + m[3]

    return _CONFIG_LINK.sub(link, text).replace('"navigation.instant", ', "")


def sitemap(text: str, pages: dict[str, str], site_url: str) -> str:
    """The sitemap with each page's offline address."""

    def loc(m: re.Match[str]) -> str:
        address = m[2]
        if address.startswith(site_url) and address[len(site_url) :] in pages:
            address = site_url + pages[address[len(site_url) :]]
        return m[1] + address + m[3]

    return _SITEMAP_LOC.sub(loc, text)


def _gzipped(text: str, hosted: Path) -> bytes:
    """The sitemap compressed as MkDocs compresses it, with the hosted copy's time stamp."""
    stamp = int.from_bytes(hosted.read_bytes()[4:8], "little") if hosted.is_file() else 0
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename="sitemap.xml.gz", mode="wb", mtime=stamp) as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def _search_files(settings_file: Path, docs: Path, target: Any) -> None:
    """The offline search: the settings naming the search script, as a script too, and the script."""
    data = json.loads(settings_file.read_text(encoding="utf-8"))
    hosted = data["config"]["papers"]
    settings = {k: v for k, v in hosted.items() if k not in ("data", "suffix", "site_url")}
    settings["engine"] = "lunr"
    script = search.as_script((docs / search.INDEX_FILE).read_text(encoding="utf-8"))
    target(search.SITE_DATA["offline"]).write_text(script, encoding="utf-8")
    settings["data"] = f"{search.SITE_DATA['offline']}?v={hashlib.sha256(script.encode('utf-8')).hexdigest()[:8]}"
    settings["suffix"] = ".html"
    settings["site_url"] = hosted.get("site_url", "")
    text = _json({**data, "config": {**data["config"], "papers": settings}})
    target(SEARCH_SETTINGS).write_text(text, encoding="utf-8")
    target("search/search_index.js").write_text(f"var __index = {text}", encoding="utf-8")


def _json(value: Any) -> str:
    """JSON as the hook writes the search settings (generator/mkdocs_hooks.py ``_json``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _share(source: Path, target: Path) -> None:
    """The same file in the offline site: a hard link, or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
