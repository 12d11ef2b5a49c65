"""Pagefind's pages written from docs/ (generator/pagefind_index.py): the same articles MkDocs renders,
so Pagefind makes the same index of them as of the rendered site, while MkDocs renders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest

from generator import pagefind_index, search
from generator.emit import addresses

_WHITESPACE_BETWEEN_TAGS = re.compile(r">\s+<")


def _article(page: str) -> str:
    """The article of a page, its layout whitespace between elements left out."""
    start = page.index("<article")
    article = page[start : page.index("</article>", start) + len("</article>")]
    return _WHITESPACE_BETWEEN_TAGS.sub("><", article)


def _reference(body: str) -> str:
    """An abstract as Markdown renders it with the site's extensions, its links as MkDocs points them."""
    configs = {"toc": {"permalink": False}}
    rendered = markdown.Markdown(extensions=list(pagefind_index.MARKDOWN_EXTENSIONS), extension_configs=configs)
    return re.sub(r'href="([a-z0-9-]+)\.md"', r'href="../\1/"', rendered.convert(body))


@pytest.mark.parametrize("fixture", ["pagefind_site", "hostile_site", "unicode_pagefind_site"])
def test_an_abstract_is_rendered_as_markdown_renders_it(fixture: str, request: pytest.FixtureRequest) -> None:
    """Every abstract the generator writes is plain escaped text with links: its HTML is known without
    Markdown, and is Markdown's (the hostile listing's titles and abstracts attack Markdown)."""
    project: Path = request.getfixturevalue(fixture)
    papers = sorted((project / "docs" / "papers").glob("*.md"))
    assert papers
    for path in papers:
        body = pagefind_index.read_paper(path.read_text(encoding="utf-8")).abstract
        assert pagefind_index.abstract_html(body) == _reference(body), path.name


@pytest.mark.parametrize(
    "body",
    [
        "One line with a [linked name](other-paper.md) and \\*escapes\\* \\[not a link\\](x).\n",
        "Two\n\nparagraphs, rendered by Markdown.\n",
        "    indented: a code block\n",
        "*emphasis* and `code` and <b>HTML</b> left to Markdown\n",
        "trailing spaces  \n",
        "",
    ],
)
def test_text_that_is_not_plain_goes_to_markdown(body: str) -> None:
    assert pagefind_index.abstract_html(body) == _reference(body)


def test_the_pages_hold_the_articles_mkdocs_rendered(pagefind_site: Path, tmp_path: Path) -> None:
    """Each page Pagefind reads holds the rendered page's article, marked for Pagefind, less the parts
    Pagefind leaves out; a topic's or an organisation's only its name and description."""
    pages = tmp_path / "pages"
    site = pagefind_site / "site"
    count = pagefind_index.pages_for(pagefind_site / "docs", pages, pagefind_site, "mkdocs.yml")
    data = json.loads((pagefind_site / "docs" / search.INDEX_FILE).read_text(encoding="utf-8"))
    openings = pagefind_index.markup(data)
    assert count == len(openings) == len(list(pages.rglob("*.html")))
    papers = 0
    for url, opening in openings.items():
        written = (pages / addresses.hosted_file(url)).read_text(encoding="utf-8")
        rendered = (site / addresses.hosted_file(url)).read_text(encoding="utf-8")
        assert f'<html lang="{pagefind_index.LANGUAGE}"' in rendered
        if opening.startswith(pagefind_index.ARTICLE):  # a topic's or organisation's page
            assert _article(written) == _article(opening + "</article>"), url
            continue
        papers += 1
        assert 'class="paper-related"' in rendered and 'class="paper-related"' not in written
        marked = _article(pagefind_index.without_ignored(rendered)).replace(pagefind_index.ARTICLE, opening, 1)
        assert _article(written) == marked, url
    assert papers == len(list((pagefind_site / "docs" / "papers").glob("*.md")))


def test_pagefind_indexes_the_pages_as_it_indexes_the_rendered_site(pagefind_site: Path, tmp_path: Path) -> None:
    """The bundle made from the pages (the site's) holds the same index and page records as one
    Pagefind makes of the rendered site marked for it: same words, excerpts, titles, filters and
    dates. (Its filter files' order varies from one run of Pagefind to another.)"""
    data = json.loads((pagefind_site / "docs" / search.INDEX_FILE).read_text(encoding="utf-8"))
    marked = tmp_path / "marked"
    for url, opening in pagefind_index.markup(data).items():
        target = marked / addresses.hosted_file(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        page = (pagefind_site / "site" / addresses.hosted_file(url)).read_text(encoding="utf-8")
        target.write_text(page.replace(pagefind_index.ARTICLE, opening, 1), encoding="utf-8")
    shutil.copy(pagefind_site / "site" / "index.html", marked / "index.html")  # a page it does not index
    subprocess.run(pagefind_index.command(marked, tmp_path / "bundle"), check=True, cwd=pagefind_site)

    def records(bundle: Path) -> dict[str, bytes]:
        return {
            p.relative_to(bundle).as_posix(): p.read_bytes()
            for folder in ("fragment", "index")
            for p in sorted((bundle / folder).iterdir())
        }

    made = records(pagefind_site / "site" / "pagefind")
    assert len(made) > 400 and made == records(tmp_path / "bundle")
