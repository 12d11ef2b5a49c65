"""How to cite a paper and where to look for it elsewhere: BibTeX, a plain-text line, search links.

Built from what the listings give and nothing more: the title, the year when the paper is dated,
the author count and the organisation when a listing states them (never invented author names), and
the paper's address on this site. The address is the hosted site's (``site_url`` in mkdocs.yml): the
generator does not know it, so the text holds ``SITE_URL`` where it goes and the paper template puts
the site's address in (overrides/paper.html), in the offline build too, whose ``file://`` address
means nothing to anyone else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..model import Paper

SITE_URL = "<site-url>"
"""Where the site's address goes in the HTML of a citation. HTML-escaped text never holds a ``<``,
so no title can spell it."""

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
"""BibTeX's month macros, written unbraced."""

_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash: ``\{`` would leave the field unbalanced.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_SPECIALS)

SEARCH_ELSEWHERE = (
    ("arXiv", "https://arxiv.org/search/", "query", (("searchtype", "all"),)),
    ("Semantic Scholar", "https://www.semanticscholar.org/search", "q", ()),
    ("Google Scholar", "https://scholar.google.com/scholar", "q", ()),
)
"""Sites that search papers by title: name, search address, the parameter the query goes in, other parameters."""


def bibtex_text(text: str) -> str:
    """Text for a BibTeX field read by LaTeX: its specials written as commands, braces balanced.

    Letters beyond ASCII stay as they are (a UTF-8 file, as biber and ``inputenc`` read it).
    """
    return text.translate(_BIBTEX_TABLE)


def bibtex_key(paper: Paper) -> str:
    """The entry's key: the paper's slug, unique on the site and stable forever (ASCII letters,
    digits and hyphens, which every BibTeX reads in a key)."""
    return paper.slug


def _credit(paper: Paper) -> str:
    """What the listings say of who wrote it: ``7 authors; OpenBMB``, or empty."""
    parts = []
    if paper.authors:
        parts.append(f"{paper.authors} author{'' if paper.authors == 1 else 's'}")
    if paper.organisation:
        parts.append(paper.organisation.name)
    return "; ".join(parts)


def bibtex(paper: Paper, url: str) -> str:
    """The paper as a BibTeX ``@misc`` entry; ``url`` is the paper's address (written as it is)."""
    lines = [f"@misc{{{bibtex_key(paper)},", f"  title = {{{{{bibtex_text(paper.title)}}}}},"]  # {{...}}: case kept
    if paper.date:
        lines += [f"  year = {{{paper.date.year}}},", f"  month = {_MONTHS[paper.date.month - 1]},"]
    credit = _credit(paper)
    if credit:
        lines.append(f"  note = {{{bibtex_text(credit)}}},")
    lines += [f"  url = {{{url}}},", "}"]
    return "\n".join(lines)


def plain_citation(paper: Paper, url: str) -> str:
    """The paper in one line of text: title, year, what the listings say of its authors, address."""
    title = paper.title if paper.title[-1:] in ".?!" else paper.title + "."
    parts = [title]
    if paper.date:
        parts.append(f"{paper.date.year}.")
    credit = _credit(paper)
    if credit:
        parts.append(credit + ".")
    parts.append(url)
    return " ".join(parts)


def search_links(title: str) -> list[tuple[str, str]]:
    """Where to search for the title on other sites: (site name, address), the title URL-encoded."""
    return [
        (name, f"{address}?{urlencode(((parameter, title), *extra))}")
        for name, address, parameter, extra in SEARCH_ELSEWHERE
    ]
