"""Citations and search links of a paper page (generator/emit/cite.py): valid BibTeX for any title, nothing
invented."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from pylatexenc.latex2text import LatexNodes2Text

from generator.emit.cite import SITE_URL, bibtex, bibtex_key, bibtex_text, plain_citation, search_links
from generator.emit.escape import html_text
from generator.emit.facts import paper_facts
from generator.model import Organisation, Paper, Slug, Source

GOLDEN = Path(__file__).parent / "golden"
URL = "https://example.org/lit/papers/x/"


def paper(title: str = "A Title", **fields: object) -> Paper:
    return Paper(
        slug=Slug(fields.pop("slug", "a-title")),  # type: ignore[arg-type]
        key=title.casefold(),
        title=title,
        abstract="An abstract.",
        sources=(Source("data/listings/a.txt", 3),),
        **fields,  # type: ignore[arg-type]
    )


def bibtex_braces_balance(text: str) -> bool:
    """Whether braces nest as BibTeX counts them: every brace, a backslash before it or not."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


SPECIALS = [
    # (title, its BibTeX text)
    ("Plain Title", "Plain Title"),
    ("{Braces} in a Title", r"\textbraceleft{}Braces\textbraceright{} in a Title"),
    ("An Open { Brace Alone", r"An Open \textbraceleft{} Brace Alone"),
    ("A Closing } Brace Alone", r"A Closing \textbraceright{} Brace Alone"),
    ("99% Sparse", r"99\% Sparse"),
    ("Q&A at Scale", r"Q\&A at Scale"),
    ("$\\alpha$-Decay", r"\$\textbackslash{}alpha\$-Decay"),
    ("C# and #Hashtags", r"C\# and \#Hashtags"),
    ("snake_case_names", r"snake\_case\_names"),
    ("Back\\slash", r"Back\textbackslash{}slash"),
    ("Tilde~and^Caret", r"Tilde\textasciitilde{}and\textasciicircum{}Caret"),
    ("Über Transformers: 语言模型 and emoji 🤖", "Über Transformers: 语言模型 and emoji 🤖"),
]


@pytest.mark.parametrize(("title", "expected"), SPECIALS)
def test_bibtex_text_writes_every_latex_special_as_a_command(title, expected):
    assert bibtex_text(title) == expected


@pytest.mark.parametrize(("title", "_"), SPECIALS)
def test_every_entry_balances_its_braces_and_holds_no_bare_special(title, _):
    entry = bibtex(paper(title), URL)
    assert bibtex_braces_balance(entry), entry
    (field,) = re.findall(r"^  title = \{\{(.*)\}\},$", entry, re.MULTILINE)
    assert bibtex_braces_balance(field), field
    bare = re.sub(r"\\(text[a-z]+\{\}|[%&$#_])", "", field)
    assert not set(bare) & set("\\{}%&$#_~^"), f"{title!r}: a special left bare in {field!r}"


@pytest.mark.parametrize(
    "title", ["99% Sparse", "Q&A at Scale", "C# and #Hashtags", "snake_case", "Back\\slash", "Über"]
)
def test_latex_reads_the_title_back(title):
    assert LatexNodes2Text().latex_to_text(bibtex_text(title)) == title


def test_an_entry_holds_what_the_listings_give_and_no_invented_author():
    dated = paper(
        "GPTQ: Accurate Post-Training Quantization",
        slug="gptq-accurate-post-training-quantization",
        date=dt.date(2022, 10, 31),
        authors=4,
        organisation=Organisation("ist", "IST Austria & Co"),
    )
    assert bibtex(dated, URL) == (
        "@misc{gptq-accurate-post-training-quantization,\n"
        "  title = {{GPTQ: Accurate Post-Training Quantization}},\n"
        "  year = {2022},\n"
        "  month = oct,\n"
        "  note = {4 authors; IST Austria \\& Co},\n"
        f"  url = {{{URL}}},\n"
        "}"
    )
    assert (
        plain_citation(dated, URL)
        == f"GPTQ: Accurate Post-Training Quantization. 2022. 4 authors; IST Austria & Co. {URL}"
    )
    bare = paper("Is It Undated?")
    assert bibtex(bare, URL) == f"@misc{{a-title,\n  title = {{{{Is It Undated?}}}},\n  url = {{{URL}}},\n}}"
    assert plain_citation(bare, URL) == f"Is It Undated? {URL}"
    assert "author =" not in bibtex(dated, URL) and "author =" not in bibtex(bare, URL)
    assert bibtex(paper(authors=1), URL).count("note = {1 author}") == 1


def test_the_key_is_the_slug_whatever_the_title_or_date():
    one = paper("Über {Weird} Title", slug="uber-weird-title", date=dt.date(2024, 1, 2))
    assert bibtex_key(one) == "uber-weird-title"
    assert bibtex(one, URL).startswith("@misc{uber-weird-title,\n")
    assert bibtex(one, URL) == bibtex(
        paper("Über {Weird} Title", slug="uber-weird-title", date=dt.date(2024, 1, 2)), URL
    )


@pytest.mark.parametrize("title", ["GPTQ: Accurate & Fast", "Über 100% #1 Q&A / a=b?", "<script>x</script> 语言 🤖"])
def test_search_links_carry_the_title_url_encoded(title):
    links = dict(search_links(title))
    assert list(links) == ["arXiv", "Semantic Scholar", "Google Scholar"]
    expected = {"arXiv": ("arxiv.org", "query"), "Semantic Scholar": ("www.semanticscholar.org", "q")}
    expected["Google Scholar"] = ("scholar.google.com", "q")
    for name, address in links.items():
        parts = urlsplit(address)
        host, parameter = expected[name]
        assert parts.scheme == "https" and parts.hostname == host
        assert parse_qs(parts.query)[parameter] == [title]
        assert address.isascii() and not re.search(r"[\s<>\"#]", address), address


def test_the_cite_block_is_escaped_html_with_the_site_address_left_to_the_template():
    hostile = paper("<script>alert(1)</script> & {x}", slug="script-x", date=dt.date(2025, 3, 1))
    block = paper_facts(hostile, [], [], [], 0, None).cite
    assert "<script>" not in block and "&lt;script&gt;" in block
    assert block.count(SITE_URL) == 2  # once in each citation, nowhere else
    assert f"url = {{{SITE_URL}papers/script-x/}}," in block
    assert '<div class="paper-cite copy">' in block  # the theme's copy button
    for name, address in search_links(hostile.title):
        assert f'<a href="{html_text(address)}" rel="external noopener">{name}</a>' in block
    # What the browser reads back from the code block is the BibTeX entry itself.
    (code,) = re.findall(r'<code class="language-bibtex">(.*?)</code>', block, re.DOTALL)
    assert html.unescape(code) == bibtex(hostile, SITE_URL + "papers/script-x/")


def test_the_citation_survives_the_front_matter_line_for_line():
    page = GOLDEN / "papers" / "branch-train-merge-embarrassingly-parallel-training-of-expert-language-models.md"
    front = yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])
    (code,) = re.findall(r'<code class="language-bibtex">(.*?)</code>', front["paper_cite"], re.DOTALL)
    assert html.unescape(code).splitlines() == [
        "@misc{branch-train-merge-embarrassingly-parallel-training-of-expert-language-models,",
        "  title = {{Branch-Train-Merge: Embarrassingly Parallel Training of Expert Language Models}},",
        "  year = {2022},",
        "  month = aug,",
        "  note = {7 authors},",
        f"  url = {{{SITE_URL}papers/branch-train-merge-embarrassingly-parallel-training-of-expert-language-models/}},",
        "}",
    ]


def test_the_paper_template_puts_the_site_address_where_the_generator_left_its_place():
    template = (Path(__file__).parent.parent / "overrides" / "paper.html").read_text(encoding="utf-8")
    assert f'replace("{SITE_URL}", config.site_url' in template
