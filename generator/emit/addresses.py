"""Addresses of the site's pages, hosted and offline: where a page lands and how one page links another.

The hosted site (``site/``) gives each page a folder address (``papers/<slug>/``, its file
``papers/<slug>/index.html``); the offline site (``site-offline/``, opened from ``file://``, where
a folder does not open its ``index.html``) gives it a file (``papers/<slug>.html``). Both follow
MkDocs's rules (``mkdocs/structure/files.py``, ``use_directory_urls`` true and false); this module
is their one owner in the project: the generator writes every link between pages for the hosted
site, relative to the hosted page (``../<slug>/``), and the offline site's links are these links
mapped here (``offline_link``), whether the offline site is derived from the hosted one
(generator/offline.py) or rendered by MkDocs on its own (``mkdocs.offline.yml``, the reference the
tests compare the derived site with; generator/mkdocs_hooks.py).

No import of the generator: the MkDocs hook imports this module as ``emit.addresses``, with
generator/ on the path.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

SHIM = "node_modules/iframe-worker/shim/index.js"
"""Where ``npm ci`` installs the iframe-worker shim the offline site loads, from the project root."""

SHIM_URI = "assets/javascripts/iframe-worker-shim.js"
"""Where the shim lands in the offline site."""

INDEX_NAMES = ("index.md", "README.md")
"""Sources that are their folder's page (MkDocs ``File.name == 'index'``)."""


def hosted_url(src_uri: str) -> str:
    """A page's address in the hosted site, from its source: ``papers/x.md`` → ``papers/x/``,
    ``topics/index.md`` → ``topics/``, ``index.md`` → ``""``."""
    folder, name = posixpath.split(src_uri)
    stem = posixpath.splitext(name)[0]
    path = folder if name in INDEX_NAMES else posixpath.join(folder, stem)
    return f"{path}/" if path else ""


def offline_url(src_uri: str) -> str:
    """A page's address (and file) in the offline site: ``papers/x.md`` → ``papers/x.html``,
    ``topics/index.md`` → ``topics/index.html``."""
    folder, name = posixpath.split(src_uri)
    stem = "index" if name in INDEX_NAMES else posixpath.splitext(name)[0]
    return posixpath.join(folder, f"{stem}.html")


def hosted_file(url: str) -> str:
    """The file of a hosted page address: ``papers/x/`` → ``papers/x/index.html``."""
    return f"{url}index.html"


def relative(target: str, page: str) -> str:
    """The link from the page at address ``page`` to the address ``target`` (both from the site's
    root), as MkDocs writes it (``mkdocs.utils.get_relative_url``): ``../index.html``, ``..``."""
    base = page.split("/")[:-1]
    folder = target.endswith("/")
    parts = target.rstrip("/").split("/") if target.strip("/") else []
    common = 0
    while common < min(len(base), len(parts)) and base[common] == parts[common]:
        common += 1
    found = "/".join([".."] * (len(base) - common) + parts[common:])
    if not found:
        return "./" if folder else "."
    return f"{found}/" if folder else found


_LINK = re.compile(r'(?P<attr>\s(?:href|src)=")(?P<url>[^"]*)"')
"""A link in HTML: the whitespace before the attribute spares the scan a word boundary at every
character (25 times faster over a site's pages), and keeps ``data-src`` out."""
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve(link: str, page: str) -> tuple[str, str] | None:
    """The address a link on the page at ``page`` leads to, from the site's root, and what follows
    it (``?v=1#top``); None for a link that leaves the site or stays on the page (``https:``, ``#x``)."""
    if not link or link.startswith(("#", "//")) or _SCHEME.match(link):
        return None
    cut = min((i for i in (link.find("?"), link.find("#")) if i >= 0), default=len(link))
    path, tail = link[:cut], link[cut:]
    if path.startswith("/"):
        joined = posixpath.normpath(path)
        absolute = True
    else:
        base = page.rsplit("/", 1)[0] if "/" in page else ""
        joined = posixpath.normpath(posixpath.join(base, path))
        absolute = False
    if joined in (".", "/"):
        target = ""
    else:
        target = joined.lstrip("/")
        if path.endswith("/") or path in ("..", ".") or path.endswith("/.."):
            target += "/"
    return ("/" if absolute else "") + target, tail


Pages = Callable[[str], "str | None"]
"""The offline address of the page at a hosted address, None for an address that is no page."""


def offline_link(link: str, page: str, offline_page: str, pages: Pages) -> str:
    """A link written for the hosted page at ``page`` as the offline page at ``offline_page`` needs
    it. ``pages``: the offline address of a hosted page address (``offline_pages(...).get``); any
    other address (a stylesheet, ``papers.json``) is the same file in both sites."""
    found = resolve(link, page)
    if found is None:
        return link
    target, tail = found
    absolute = target.startswith("/")
    target = target.lstrip("/")
    mapped = pages(target if not target or target.endswith("/") else f"{target}/") or target
    if absolute:
        return f"/{mapped}{tail}"
    return relative(mapped, offline_page) + tail


def offline_pages(src_uris: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Hosted page address → offline page address, for the pages of these sources."""
    return {hosted_url(src): offline_url(src) for src in src_uris}


def sources(url: str) -> tuple[str, ...]:
    """The sources whose hosted address ``url`` (a folder, ``papers/x/``) can be, in MkDocs's order."""
    path = url.rstrip("/")
    inside = tuple(f"{path}/{name}" if path else name for name in INDEX_NAMES)
    return inside if not path else (f"{path}.md", *inside)


def offline_links(
    html: str,
    page: str,
    offline_page: str,
    pages: Pages,
    keep: Callable[[str], bool] | None = None,
    cache: dict[tuple[str, str, str, bool], str] | None = None,
) -> str:
    """Every link (``href``, ``src``) of HTML written for the hosted page at ``page`` as the offline
    page at ``offline_page`` needs it; ``keep``: links to leave as they are. ``cache``: links mapped
    before (pages share most of theirs: the theme's, and links to the same papers)."""
    folders = page.split("/")[:-1]
    offline_folder = offline_page.rsplit("/", 1)[0] if "/" in offline_page else ""

    def one(match: re.Match[str]) -> str:
        url = match["url"]
        if keep is not None and keep(url):
            return match[0]
        # ../x from a/b/ is x from a/: the key leaves out what the link climbs over
        depth, rest = len(folders), url
        while rest.startswith("../") and depth:
            depth, rest = depth - 1, rest[3:]
        key = ("/".join(folders[:depth]), rest, offline_folder, url.startswith("/"))
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = offline_link(url, page, offline_page, pages)
            if cache is not None:
                cache[key] = found
        return f'{match["attr"]}{found}"'

    return _LINK.sub(one, html)


def hosted_form(link: str) -> bool:
    """Whether a link is one only the hosted site writes: a folder address (``../x/``, ``..``)."""
    path = re.split(r"[?#]", link, maxsplit=1)[0]
    return path.endswith("/") or path in ("", ".", "..") or path.endswith("/..")
