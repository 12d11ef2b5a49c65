"""Pagefind's index of the hosted site, made from docs/ while MkDocs renders the site.

Past ``LUNR_LIMIT`` papers Pagefind answers the hosted site's search box (generator/search/). It
indexes HTML files; what it reads of a page is only the article: a paper's whole article (less
``IGNORE``: other papers' titles, listing files) with its facet values as filters, and of a topic's or
an organisation's page only its name and description. None of that needs the rendered site: the
articles are written here from docs/ (the paper template's content block, overrides/paper.html, with
the same facts and abstract) into a folder of small pages at the hosted pages' addresses
(``papers/<slug>/index.html``), and Pagefind indexes that folder on the second core while MkDocs
renders the site on the first. Its bundle then becomes the hosted site's ``pagefind/``.

The index is the one Pagefind makes of the rendered pages: tests/test_pagefind_index.py compares the
articles here with the rendered ones, and the bundles made from both.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import tethered
from .emit import addresses
from .search import searchfile

if TYPE_CHECKING:
    import markdown  # type: ignore[import-untyped]

IGNORED = (
    ("ul", "paper-related"),
    ("ul", "paper-mentioned-by"),
    ("p", "paper-sources"),
    ("div", "paper-cite copy"),
    ("p", "paper-elsewhere"),
)
"""Parts of a paper page Pagefind leaves out of the index, as generator/emit/facts.py writes them (an
element and its class attribute): other papers' titles, listing files, and the citations and search
links, which only repeat the title and the page's address (a third of what Pagefind would read, for
no word a search needs; lunr and the offline search leave them out too)."""

IGNORE = ", ".join(f".{name.split()[0]}" for _, name in IGNORED)
"""``IGNORED`` as Pagefind's selectors (the pages written here leave them out already)."""

LANGUAGE = "en"
"""The pages' language (``<html lang>``, as the theme writes it): Pagefind's index is per language."""

ARTICLE = '<article class="md-content__inner md-typeset">'
"""The theme's article element, which holds a page's content."""

MARKDOWN_EXTENSIONS = ("attr_list", "md_in_html", "toc", "pymdownx.escapeall")
"""The Markdown extensions of mkdocs.yml: an abstract that is not plain text is rendered with them."""

_IGNORED = re.compile("|".join(f'<{tag} class="{name}">.*?</{tag}>\n?' for tag, name in IGNORED), re.DOTALL)
_PAGE = '<!doctype html>\n<html lang="{lang}">\n<head><meta charset="utf-8"><title>{title}</title></head>\n<body>{article}</body>\n</html>\n'
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~^=:$])")
_LINK = re.compile(r"\[((?:\\.|[^\\\[\]])*)\]\(([a-z0-9][a-z0-9-]*)\.md\)")
_LINK_LEFT = re.compile(r"\[[^\\\[\]]*\]\([a-z0-9][a-z0-9-]*\.md\)")
_NOT_PLAIN = re.compile(r"[\\\[\]`*_{}|<]|[^\S ]")
"""What is left of an abstract written as one line of escaped text with links to papers (generator/render.py
``abstract_markdown``) once its escapes and then its links are taken out: nothing Markdown reads, no
line break. Such an abstract's HTML is known without Markdown; anything else is rendered by Markdown."""


@dataclass(frozen=True)
class Paper:
    """What a paper's page shows in its article, from its Markdown file (generator/render.py)."""

    title: str
    """HTML-escaped, as the front matter holds it."""
    facts: dict[str, str]
    """``paper_tags``, ``paper_meta``, ``paper_links``, ``paper_more``, ``paper_cite``: HTML."""
    abstract: str
    """The Markdown body."""


def markup(data: dict[str, Any]) -> dict[str, str]:
    """The opening of the article of each page Pagefind indexes, by the page's address, marked for it
    (from the search file; its layout: generator/search/searchfile.py DOCS): a paper's whole article
    with its facet values as Pagefind filters; for a topic's or an organisation's page, which lists
    papers, only what lunr indexes of it (its name and description) in an element Pagefind reads and
    the reader does not see."""
    docs, facets = data["docs"], data["facets"]
    closures = [[facets["topic"][n][0] for n in closure] for _, closure in data["topic_sets"]]
    compat = dict(data.get("compat", []))
    articles = {}
    for ref, (location, title, text, topics, date, org) in enumerate(
        zip(docs["location"], docs["title"], docs["text"], docs["topics"], docs["date"], docs["org"], strict=True)
    ):
        if topics >= 0:  # a paper
            paper: dict[str, Any] = {"topic": closures[topics]}
            if date:
                paper["year"], paper["date"] = date[:4], date
            if org >= 0:
                paper["org"] = facets["org"][org][0]
            # The words search folds (D²GS as d2gs), hidden: Pagefind does not fold what it indexes.
            hidden = f"<div hidden>{html.escape(compat[ref])}</div>" if ref in compat else ""
            articles[f"{location}/"] = ARTICLE[:-1] + " data-pagefind-body>" + _filter_markup(paper) + hidden
        else:  # title and text are escaped HTML already
            text = f"<p>{text}</p>" if text else ""
            articles[f"{location}/"] = (
                f'{ARTICLE}<div hidden data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>{text}</div>'
            )
    return articles


def _filter_markup(doc: dict[str, Any]) -> str:
    """A paper's facet values as Pagefind filters and its date to sort by and to show, in an element
    Pagefind reads but does not index."""
    values = [("topic", t) for t in doc["topic"]] + [(n, doc[n]) for n in ("year", "org") if n in doc]
    spans = "".join(f'<span data-pagefind-filter="{n}">{html.escape(v)}</span>' for n, v in values)
    if "date" in doc:  # a query of facets alone lists papers newest first; results show the date
        date = html.escape(doc["date"])
        spans += f'<span data-pagefind-sort="date">{date}</span><span data-pagefind-meta="date">{date}</span>'
    return f"<div hidden data-pagefind-ignore>{spans}</div>"


def read_paper(text: str) -> Paper:
    """A paper's Markdown file (front matter, then the abstract)."""
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    facts = {
        name: meta.get(name) or "" for name in ("paper_tags", "paper_meta", "paper_links", "paper_more", "paper_cite")
    }
    return Paper(meta["title"], facts, body)


def abstract_html(body: str) -> str:
    """The abstract as MkDocs renders it (links between papers as the hosted site's addresses)."""
    text = body.strip("\n")
    if (
        not text.startswith(" ")
        and not text.endswith(" ")
        and not _NOT_PLAIN.search(_LINK_LEFT.sub("", _ESCAPED.sub("", text)))
    ):
        out, start = [], 0
        for link in _LINK.finditer(text):
            label = _unescape(link[1])
            out += [_unescape(text[start : link.start()]), f'<a href="../{link[2]}/">{label}</a>']
            start = link.end()
        out.append(_unescape(text[start:]))
        return f"<p>{''.join(out)}</p>" if text else ""
    rendered: str = _markdown().reset().convert(body)
    return rendered


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


@functools.cache
def _markdown() -> markdown.Markdown:
    import markdown  # only for an abstract that is not plain text

    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), extension_configs={"toc": {"permalink": False}})


def paper_article(opening: str, paper: Paper, site_url: str) -> str:
    """A paper's article as overrides/paper.html writes it (its ``content`` block)."""
    facts = {**paper.facts, **{n: without_ignored(paper.facts[n]) for n in ("paper_more", "paper_cite")}}
    return (
        f"{opening}\n{facts['paper_tags']}\n<h1>{paper.title}</h1>\n{facts['paper_meta']}\n{facts['paper_links']}\n"
        f'<h2 id="abstract">Abstract</h2>\n{abstract_html(paper.abstract)}\n{facts["paper_more"]}\n'
        f"{facts['paper_cite'].replace('<site-url>', site_url)}\n</article>"
    )


def without_ignored(facts: str) -> str:
    """A paper page's facts less the parts Pagefind leaves out (less for it to read)."""
    return _IGNORED.sub("", facts)


def write_pages(docs: Path, out: Path, site_url: str) -> int:
    """Write the pages Pagefind indexes into ``out``, at the hosted pages' addresses; their number."""
    data = json.loads((docs / searchfile.INDEX_FILE).read_text(encoding="utf-8"))
    made: set[Path] = set()
    written = 0
    for url, opening in markup(data).items():
        if opening.startswith(ARTICLE):  # a topic's or an organisation's page: its name and description
            title, article = "", opening + "\n</article>"
        else:
            paper = read_paper((docs / f"{url[:-1]}.md").read_text(encoding="utf-8"))
            title, article = paper.title, paper_article(opening, paper, site_url)
        path = out / addresses.hosted_file(url)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(_PAGE.format(lang=LANGUAGE, title=title, article=article), encoding="utf-8")
        written += 1
    return written


def command(site: Path, output: Path) -> list[str]:
    """The Pagefind command that indexes the pages in ``site`` into the bundle folder ``output``."""
    command = tethered.command("pagefind", "--site", str(site), "--output-path", str(output))
    return [*command, "--exclude-selectors", IGNORE, "--silent"]


def site_url(root: Path, config: str) -> str:
    """The hosted site's address as MkDocs reads it from ``config`` (``SITE_URL`` or its default)."""
    from mkdocs.utils.yaml import yaml_load

    with open(root / config, encoding="utf-8") as file:
        value = yaml_load(file).get("site_url") or ""
    return value if not value or value.endswith("/") else value + "/"


def pages_for(docs: Path, out: Path, root: Path, config: str) -> int:
    """``write_pages`` for the site MkDocs renders from ``config`` (its address in the citations)."""
    return write_pages(docs, out, site_url(root, config))
