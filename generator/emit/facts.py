"""The facts of a paper page as HTML fragments, written once by the generator.

MkDocs reads them from the page's front matter as strings and the theme override
(overrides/paper.html) prints them around the abstract as they are: no template walks a list of
related papers, no YAML mapping is built per fact, and the Markdown body (what search indexes)
stays the abstract alone. Every piece of listing text is HTML-escaped here, quotes included.

Links between pages are written for the hosted build (folder URLs, the page at
``papers/<slug>/``): ``../<slug>/``, ``../../topics/<slug>/``; the offline site's ``.html``
addresses are mapped from them by generator/emit/addresses.py (generator/offline.py derives the offline
site). External addresses (the link buttons, the search links of the citation block) stay as they are.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Link, Paper, Related, Topic
from . import cite
from .escape import display_url, html_text

LINK_KINDS = {"code": "Code", "model": "Model", "dataset": "Dataset", "demo": "Demo"}
"""Button labels by link kind; any other kind is a project page."""

_escaped = functools.lru_cache(maxsize=1 << 17)(html_text)
"""``html_text`` of the texts every page repeats (topic names, terms, titles of related papers, files)."""


@dataclass(frozen=True)
class PaperFacts:
    """The HTML around a paper page's abstract."""

    tags: str
    """The paper's topics as tags above its title, each a link to the topic's page."""
    meta: str
    """The metadata line: date, authors, upvotes, organisation (or a note that there are none)."""
    links: str
    """The link buttons (code, model, project...), or empty: the only external addresses."""
    more: str
    """Topics, related papers with reasons, "Mentioned by" and where the paper was listed."""
    cite: str
    """The citation (BibTeX and plain text, to copy; ``cite.SITE_URL`` where the site's address
    goes) and links that search other sites for the title."""


def paper_facts(
    paper: Paper,
    topics: Sequence[Topic],
    related: Sequence[tuple[Related, Paper, Sequence[Topic]]],
    mentioned_by: Sequence[Paper],
    mentioned_by_total: int,
    date_label: str | None,
) -> PaperFacts:
    """The facts of one paper: ``mentioned_by`` is the part shown, ``mentioned_by_total`` all of them."""
    return PaperFacts(
        tags=_tags(topics),
        meta=_meta(paper, date_label),
        links=_links(paper.links),
        more=_more(paper, topics, related, mentioned_by, mentioned_by_total),
        cite=_cite(paper),
    )


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 upvote``, ``2 upvotes``; ``words`` where adding an s is wrong."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def _tags(topics: Sequence[Topic]) -> str:
    # Material's tag markup and look; the tags link to the topic pages, not to a page of every tag.
    tags = "".join(f'<a href="../../topics/{t.slug}/" class="md-tag">{_escaped(t.name)}</a>' for t in topics)
    return f'<nav class="md-tags" aria-label="Topics of this paper">{tags}</nav>'


def _meta(paper: Paper, date_label: str | None) -> str:
    facts = []
    if paper.date and date_label:
        facts.append(f'<time datetime="{paper.date.isoformat()}">{_escaped(date_label)}</time>')
    if paper.authors:
        facts.append(f"<span>{plural(paper.authors, 'author')}</span>")
    if paper.upvotes:
        facts.append(f"<span>{plural(paper.upvotes, 'upvote')}</span>")
    if paper.organisation:
        slug = paper.organisation.slug
        facts.append(f'<a href="../../organisations/{slug}/">{_escaped(paper.organisation.name)}</a>')
    if not facts:
        facts.append("<span>No date or author count in the listings</span>")
    return f'<p class="paper-meta">{" · ".join(facts)}</p>'


def _links(links: Sequence[Link]) -> str:
    if not links:
        return ""
    buttons = "\n".join(
        f'<a class="md-button{" md-button--primary" if link.kind == "code" else ""}" href="{html_text(link.url)}"'
        f' rel="noopener">{LINK_KINDS.get(link.kind, "Project")}: {html_text(display_url(link.url))}</a>'
        for link in links
    )
    return f'<p class="paper-links">\n{buttons}\n</p>'


def _reason(relation: Related, shared: Sequence[Topic]) -> str:
    """Why a paper is related, in words: it names the other's method, the topics and key phrases both share."""
    reasons = [relation.mention] if relation.mention else []
    if shared:
        names = ", ".join(_escaped(t.name) for t in shared)
        reasons.append(f"both on {names}")
    if relation.terms:
        reasons.append("both discuss " + ", ".join(f"<em>{_escaped(term)}</em>" for term in relation.terms))
    return f' <span class="paper-reason">{"; ".join(reasons)}</span>' if reasons else ""


def _more(
    paper: Paper,
    topics: Sequence[Topic],
    related: Sequence[tuple[Related, Paper, Sequence[Topic]]],
    mentioned_by: Sequence[Paper],
    mentioned_by_total: int,
) -> str:
    out = ['<h2 id="topics">Topics</h2>', '<ul class="paper-topics">']
    out += [f'<li><a href="../../topics/{t.slug}/">{_escaped(t.name)}</a></li>' for t in topics]
    out += ["</ul>", '<h2 id="related">Related papers</h2>']
    if related:
        out.append('<ul class="paper-related">')
        for r, other, shared in related:
            out.append(f'<li><a href="../{other.slug}/">{_escaped(other.title)}</a>{_reason(r, shared)}</li>')
        out.append("</ul>")
    else:
        out.append("<p>No paper in this collection is close enough to show.</p>")
    if mentioned_by:
        out += ['<h2 id="mentioned-by">Mentioned by</h2>', '<ul class="paper-mentioned-by">']
        out += [f'<li><a href="../{q.slug}/">{_escaped(q.title)}</a></li>' for q in mentioned_by]
        out.append("</ul>")
        if mentioned_by_total > len(mentioned_by):
            out.append(
                f"<p>And {mentioned_by_total - len(mentioned_by)} more, listed under <code>mentioned_by</code>"
                ' in <a href="../../papers.json">papers.json</a>.</p>'
            )
    sources = ", ".join(f"<code>{_escaped(s.path)}</code> (line {s.line})" for s in paper.sources)
    out.append(f'<p class="paper-sources">Listed in {sources}.</p>')
    return "\n".join(out)


def _cite(paper: Paper) -> str:
    # Code blocks in an element of class "copy" get the theme's copy button (hosted and offline).
    # The address is put in after escaping: the escaped text cannot hold SITE_URL's "<".
    url, mark = f"papers/{paper.slug}/", "\x00"
    blocks = [(cite.bibtex(paper, mark + url), "bibtex"), (cite.plain_citation(paper, mark + url), "text")]
    code = "\n".join(
        f"<p>{'BibTeX' if kind == 'bibtex' else 'Plain text'}:</p>\n"
        f'<pre><code class="language-{kind}">{html_text(text).replace(mark, cite.SITE_URL)}</code></pre>'
        for text, kind in blocks
    )
    links = ", ".join(
        f'<a href="{html_text(address)}" rel="external noopener">{name}</a>'
        for name, address in cite.search_links(paper.title)
    )
    return (
        f'<h2 id="cite">Cite</h2>\n<div class="paper-cite copy">\n{code}\n</div>\n'
        f'<p class="paper-elsewhere">Search other sites for this title: {links}.</p>'
    )
