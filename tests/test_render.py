"""Rendering (generator/emit/render.py, with the escaping of generator/emit/escape.py): listing text is text,
whatever it holds; front matter survives YAML-hostile titles."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from mkdocs.utils.yaml import yaml_load

from generator.emit.escape import markdown_text
from generator.emit.render import MENTIONED_BY_SHOWN, inline_markdown, render_site
from generator.ids import identity_key, slugify
from generator.model import Corpus, Mention, Paper, Related, Slug, Source, Topic

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


@pytest.mark.parametrize("text", HOSTILE)
def test_inline_markdown_shows_literally(text):
    assert rendered_text(inline_markdown(text, line_start=True)) == text
    assert rendered_text("Before " + inline_markdown(text)) == "Before " + text


def site_markdown() -> markdown.Markdown:
    """Markdown as the site's MkDocs build runs it: MkDocs' own extensions, then mkdocs.yml's."""
    configured = yaml_load((Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = ["toc", "tables", "fenced_code"], {}
    for item in configured["markdown_extensions"]:
        name, config = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        configs[name] = config
    return markdown.Markdown(extensions=names, extension_configs=configs)


SITE_MARKDOWN = site_markdown()


def site_html(source: str) -> str:
    SITE_MARKDOWN.reset()
    return SITE_MARKDOWN.convert(source)


# Text heavy in what Markdown, HTML and the site's extensions read: the escapes inline_markdown
# leaves out must make no difference anywhere in a line.
MARKDOWN_HEAVY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\\`*_{}[]()#+-.!|~^=:$<>&;'\"/@%?0123456789 aZé")),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=40,
)


@settings(deadline=None, max_examples=300)
@given(MARKDOWN_HEAVY)
def test_inline_markdown_renders_as_markdown_text_does(text):
    """Same HTML as with every punctuation mark escaped: alone, at a line's start, in a link, after one."""
    line = " ".join(text.split())
    assert site_html(inline_markdown(text, line_start=True)) == site_html(markdown_text(text))
    assert site_html(inline_markdown(line, line_start=True)) == site_html(markdown_text(line))
    for before, after in [("- May 1 · [", "](a.md) · 3 upvotes"), ("[GPTQ](a.md)", " end"), ("Text ", "")]:
        assert site_html(before + inline_markdown(line) + after) == site_html(before + markdown_text(line) + after)


@settings(deadline=None, max_examples=60)
@given(st.lists(MARKDOWN_HEAVY, min_size=1, max_size=4), st.booleans())
@example(["a x!", "y"], False)  # "a x![y](p1.md)" would be an image
@example(["y", "a x!", "z"], True)
@example(["a x\\!", "y"], False)
def test_abstract_with_mentions_renders_as_fully_escaped(parts, starts_with_mention):
    """An abstract cut at its mentions: the same page whether its text is escaped in full or not."""
    parts = [" ".join(p.split()) or "x" for p in parts]
    titles = [f"{chr(65 + i)}{p}" for i, p in enumerate(parts)]
    papers = tuple(
        Paper(slug=Slug(f"p{i}"), key=str(i), title=t, abstract=t, sources=(Source("a.txt", i + 1),))
        for i, t in enumerate(titles)
    )
    abstract, mentions = "", []
    for i, part in enumerate(parts):
        if (i % 2 == 0) == starts_with_mention:
            mentions.append(Mention(len(abstract), len(abstract) + len(part), papers[i].slug))
        abstract += part
    paper = Paper(
        slug=Slug("the-paper"), key="the paper", title="The paper", abstract=abstract, sources=(Source("b.txt", 1),)
    )
    corpus = Corpus(
        papers=(*papers, paper),
        topics=(Topic(slug=Slug("other"), name="Other", description="All.", parent=None, keywords=()),),
        paper_topics={p.slug: (Slug("other"),) for p in (*papers, paper)},
        related={},
        mentions={paper.slug: tuple(mentions)},
        fallback=Slug("other"),
    )
    body = render_site(corpus)["papers/the-paper.md"].decode().split("---\n", 2)[2]
    expected = "".join(
        f"[{markdown_text(abstract[m.start : m.end])}]({m.target}.md)" if m else markdown_text(text)
        for text, m in _cut(abstract, mentions)
    )
    assert site_html(body) == site_html(expected)


def _cut(text: str, mentions: list[Mention]) -> list[tuple[str, Mention | None]]:
    parts: list[tuple[str, Mention | None]] = []
    position = 0
    for m in mentions:
        parts += [(text[position : m.start], None), (text[m.start : m.end], m)]
        position = m.end
    parts.append((text[position:], None))
    return [(t, m) for t, m in parts if t]


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


class _Links(HTMLParser):
    """The text of every link in an HTML fragment, and every element name."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._text is not None:
            self.links.append("".join(self._text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def linked_titles(fragment: str) -> tuple[list[str], set[str]]:
    parser = _Links()
    parser.feed(fragment)
    parser.close()
    return parser.links, parser.tags


def test_paper_facts_show_hostile_titles_as_text():
    """Related and "mentioned by" titles reach the page as HTML the theme prints: escaped, read back by MkDocs."""
    base = corpus_of(HOSTILE)
    papers = base.papers
    related = {
        p.slug: (Related(score=0.5, target=papers[(i + 1) % len(papers)].slug, terms=("<b>term</b>",)),)
        for i, p in enumerate(papers)
    }
    mentions = {p.slug: (Mention(0, 8, papers[0].slug),) for p in papers[1:]}
    corpus = Corpus(**{**base.__dict__, "related": related, "mentions": mentions})
    files = render_site(corpus)
    for i, paper in enumerate(papers):
        _, meta = get_data(files[f"papers/{paper.slug}.md"].decode())  # as MkDocs reads the page
        titles, tags = linked_titles(meta["paper_more"])
        assert titles[0] == "Other" and titles[1] == papers[(i + 1) % len(papers)].title
        assert tags <= {"h2", "ul", "li", "a", "span", "em", "p", "code"}, tags
        if i == 0:
            assert titles[2:] == [p.title for p in sorted(papers[1:], key=lambda p: p.title.casefold())]


def test_mentioned_by_lists_the_newest_and_counts_the_rest():
    extra = MENTIONED_BY_SHOWN + 5
    base = corpus_of(["Named: the mentioned paper", *(f"Mentioning paper {i:02d}" for i in range(extra))])
    target = next(p for p in base.papers if p.title.startswith("Named"))
    dated = tuple(
        p if p is target else Paper(**{**p.__dict__, "date": dt.date(2024, 1, 1) + dt.timedelta(days=i)})
        for i, p in enumerate(base.papers)
    )
    mentions = {p.slug: (Mention(0, 5, target.slug),) for p in dated if p is not target}
    files = render_site(Corpus(**{**base.__dict__, "papers": dated, "mentions": mentions}))
    _, meta = get_data(files[f"papers/{target.slug}.md"].decode())
    titles, _ = linked_titles(meta["paper_more"].split('<h2 id="mentioned-by">', 1)[1])
    newest = sorted((p for p in dated if p is not target), key=lambda p: p.date, reverse=True)
    assert titles[:MENTIONED_BY_SHOWN] == [p.title for p in newest[:MENTIONED_BY_SHOWN]]
    assert titles[MENTIONED_BY_SHOWN:] == ["papers.json"]
    assert "And 5 more" in meta["paper_more"]
    record = next(r for r in json.loads(files["papers.json"]) if r["slug"] == target.slug)
    assert len(record["mentioned_by"]) == extra  # the export keeps them all


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


class _Sections(HTMLParser):
    """A page's ``h2`` sections as a reader sees them: each heading's text, id and link, and the
    titles its lists link to (``None``: the part before the first heading)."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: dict[str | None, tuple[str | None, str | None]] = {None: (None, None)}
        self.papers: dict[str | None, list[str]] = {None: []}
        self._current: str | None = None
        self._heading: list[str] | None = None
        self._id: str | None = None
        self._href: str | None = None
        self._link: list[str] | None = None
        self._in_item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._heading, self._id, self._href = [], dict(attrs).get("id"), None
        elif tag == "li":
            self._in_item = True
        elif tag == "a" and self._heading is not None:
            self._href = dict(attrs).get("href")
        elif tag == "a" and self._in_item and "md-tag" not in (dict(attrs).get("class") or ""):
            self._link = []  # a paper's title; its topic chips are tags

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self._current = "".join(self._heading).strip()
            self.headings[self._current] = (self._id, self._href)
            self.papers[self._current] = []
            self._heading = None
        elif tag == "li":
            self._in_item = False
        elif tag == "a" and self._link is not None:
            self.papers[self._current].append("".join(self._link))
            self._link = None

    def handle_data(self, data: str) -> None:
        for part in (self._heading, self._link):
            if part is not None:
                part.append(data)


def reader_view(page: bytes) -> tuple[str, _Sections]:
    """A generated page as MkDocs renders it: its text (tags stripped) and its sections."""
    body, _ = get_data(page.decode())
    out = markdown.markdown(body, extensions=["attr_list", "md_in_html", "toc", "pymdownx.escapeall"])
    sections = _Sections()
    sections.feed(out)
    sections.close()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", out)).split())
    return text.replace(" ,", ",").replace(" .", ".").replace("( ", "(").replace(" )", ")"), sections


def family_corpus() -> Corpus:
    """Efficiency with two narrower topics, Quantization and Pruning, and an unrelated topic."""

    def topic(name: str, parent: str | None = None) -> Topic:
        return Topic(slugify(name), name, f"About {name}.", Slug(parent) if parent else None, keywords=())

    topics = (topic("Efficiency"), topic("Quantization", "efficiency"), topic("Pruning", "efficiency"), topic("Other"))
    tagged = {  # title: (date, topics)
        "Own paper": (dt.date(2024, 3, 1), ("efficiency",)),
        "Only quantized": (dt.date(2023, 5, 1), ("quantization",)),
        "Quantized and pruned": (dt.date(2024, 6, 1), ("quantization", "pruning")),
        "Pruned and efficient": (None, ("pruning", "efficiency")),
        "Unrelated": (dt.date(2022, 1, 1), ("other",)),
    }
    papers = tuple(
        sorted(
            (
                Paper(slug=slugify(t), key=identity_key(t), title=t, abstract=t, sources=(Source("a.txt", i),), date=d)
                for i, (t, (d, _)) in enumerate(tagged.items(), 1)
            ),
            key=lambda p: p.slug,
        )
    )
    return Corpus(
        papers=papers,
        topics=topics,
        paper_topics={slugify(t): tuple(Slug(s) for s in slugs) for t, (_, slugs) in tagged.items()},
        related={},
        fallback=Slug("other"),
    )


def test_broader_topic_page_lists_its_family_once_most_relevant_first():
    corpus = family_corpus()
    relevance = {
        slugify("Only quantized"): {"quantization": 2.0, "efficiency": 3.0},
        slugify("Pruned and efficient"): {"pruning": 1.0, "efficiency": 2.5},
        slugify("Own paper"): {"efficiency": 1.0},
    }
    files = render_site(Corpus(**{**corpus.__dict__, "relevance": relevance}))
    text, sections = reader_view(files["topics/efficiency.md"])
    # The count is the family's (each paper once), and the page says how many carry the topic itself.
    assert "4 papers in Efficiency and its narrower topics, 2 of them tagged Efficiency itself" in text
    assert "Narrower topics: Quantization (2), Pruning (2)." in text
    # One list, each paper of the family once, most relevant to the topic first; a paper with no
    # relevance known comes last (ties newest first).
    assert sections.papers["Papers"] == ["Only quantized", "Pruned and efficient", "Own paper", "Quantized and pruned"]
    # Menus to order it, and to narrow it to a narrower topic or a year, hidden until the script runs.
    page = files["topics/efficiency.md"].decode()
    menus = re.search(r'<form class="paper-list-controls" data-list="topic-papers" hidden>.*?</form>', page)
    assert menus, "no menus for the list"
    values = re.findall(r'<select name="(\w+)">(.*?)</select>', menus[0])
    assert [(name, re.findall(r'value="([^"]*)"', options)) for name, options in values] == [
        ("order", ["relevance", "newest", "upvotes"]),
        ("topic", ["", "quantization", "pruning"]),
        ("year", ["", "2024", "2023", "undated"]),
    ]
    # Each item carries what the menus read: its date, and its topics with their broader ones.
    item = re.search(r'<li data-topics="quantization efficiency pruning" data-date="2024-06-01">', page)
    assert item, "the item of 'Quantized and pruned' lacks its data attributes"
    # The chart counts the family's papers once each.
    assert 'aria-label="Efficiency: papers per year: 2023: 1, 2024: 2"' in page
    assert "Papers per year, narrower topics included (1 more without a date)" in text


def test_narrower_and_other_topic_pages_keep_one_list():
    files = render_site(family_corpus())
    for slug, count, titles in (
        ("quantization", "2 papers", ["Quantized and pruned", "Only quantized"]),
        ("other", "1 paper", ["Unrelated"]),
    ):
        text, sections = reader_view(files[f"topics/{slug}.md"])
        assert f"{count}. All topics" in text
        assert sections.papers["Papers"] == titles
        assert '<select name="topic">' not in files[f"topics/{slug}.md"].decode()


def test_broader_topic_without_papers_of_its_own_shows_its_family():
    corpus = family_corpus()
    only_narrower = {
        slug: tuple(t for t in topics if t != "efficiency") or (Slug("other"),)
        for slug, topics in corpus.paper_topics.items()
    }
    files = render_site(Corpus(**{**corpus.__dict__, "paper_topics": only_narrower}))
    text, sections = reader_view(files["topics/efficiency.md"])
    assert "3 papers in Efficiency and its narrower topics, none of them tagged Efficiency itself" in text
    assert sections.papers["Papers"] == ["Quantized and pruned", "Only quantized", "Pruned and efficient"]


def test_a_broader_topic_counts_its_family_on_every_page():
    files = render_site(family_corpus())
    home, _ = reader_view(files["index.md"])
    assert "Efficiency · 4 papers" in home and "Other · 1 paper" in home
    overview, _ = reader_view(files["topics/index.md"])
    assert "Efficiency (4): About Efficiency." in overview
    assert "Quantization (2): About Quantization." in overview
    _, meta = get_data(files["topics/index.md"].decode())
    assert {n["slug"]: n["papers"] for n in meta["topic_map"]["nodes"]} == {
        "efficiency": 4,
        "quantization": 2,
        "pruning": 2,
        "other": 1,
    }
