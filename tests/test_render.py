"""Rendering: listing text is text, whatever it holds; front matter survives YAML-hostile titles."""

from __future__ import annotations

import html
import json
import re

import markdown
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.ids import identity_key, slugify
from generator.model import Corpus, Paper, Source, Topic
from generator.render import render_site
from generator.text import markdown_text

HOSTILE = [
    "GPTQ: Accurate Post-Training Quantization",
    "<script>alert('x')</script> Title",
    '<img src=x onerror="alert(1)">',
    "*x* _y_ **z** `code` [a](b) ![i](j) <https://example.com>",
    "# Not a heading",
    "1. Not a list",
    "- not a list | not | a table",
    "{{ jinja }} {% block %} {: .attr }",
    "key: value # comment",
    "'single' \"double\" & ampersand &amp; entity",
    "--- front matter fence ---",
    "~~strike~~ ^sup^ ==mark== :smile: [^1]",
    "\\emph{latex} \\ backslash",
    "עברית ومرحبا 🤖 e\u0301",
    "!important | {braces} [brackets] (parens)",
]
EXTENSIONS = ["attr_list", "toc", "pymdownx.escapeall"]


def rendered_text(source: str) -> str:
    """The text a reader sees when MkDocs renders this Markdown (tags stripped, entities decoded)."""
    out = markdown.markdown(source, extensions=EXTENSIONS)
    assert "<script" not in out and "<img" not in out and "<a " not in out and "<h1" not in out, out
    return html.unescape(re.sub(r"<[^>]+>", "", out)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_shows_literally(text):
    assert rendered_text(markdown_text(text)) == text


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=60))
def test_any_single_line_shows_literally(text):
    text = " ".join(text.split())
    assert rendered_text(markdown_text(text)) == text


def corpus_of(titles: list[str]) -> Corpus:
    topic = Topic(slug=slugify("Other"), name="Other", description="Everything.", parent=None, keywords=())
    papers = tuple(
        sorted(
            (
                Paper(
                    slug=slugify(t),
                    key=identity_key(t),
                    title=t,
                    abstract=f"Abstract of {t}",
                    sources=(Source("a.txt", i),),
                )
                for i, t in enumerate(titles, 1)
            ),
            key=lambda p: p.slug,
        )
    )
    return Corpus(
        papers=papers,
        topics=(topic,),
        paper_topics={p.slug: (topic.slug,) for p in papers},
        related={},
        fallback=topic.slug,
    )


def test_front_matter_survives_yaml_hostile_titles():
    files = render_site(corpus_of(HOSTILE))
    for paper in corpus_of(HOSTILE).papers:
        text = files[f"papers/{paper.slug}.md"].decode()
        _, front, _body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        # The theme inserts the title into HTML unescaped, so the front matter holds it HTML-escaped.
        assert html.unescape(meta["title"]) == paper.title
        assert "<" not in meta["title"] and '"' not in meta["description"]


def test_papers_json_records_every_paper_with_its_sources():
    corpus = corpus_of(HOSTILE)
    records = json.loads(render_site(corpus)["papers.json"])
    assert [r["slug"] for r in records] == [p.slug for p in corpus.papers]
    first = records[0]
    assert set(first) >= {"title", "slug", "url", "tags", "related", "sources"}
    assert first["url"] == f"papers/{first['slug']}/" and first["sources"][0].startswith("a.txt:")


def test_csv_cells_never_start_a_formula():
    files = render_site(corpus_of(['=HYPERLINK("http://x","y")', "+1 plus", "Plain title"]))
    rows = files["papers.csv"].decode().splitlines()[1:]
    assert not any(cell.startswith(("=", "+", '"=', '"+')) for row in rows for cell in row.split(",")[1:2])
