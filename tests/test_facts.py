"""A paper page's facts as HTML (generator/emit/facts.py): the metadata line, link buttons, topics,
related papers with their reasons in words (never a score), "Mentioned by" and where it was listed."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from generator.emit.facts import paper_facts, plural
from generator.model import Link, Organisation, Paper, Related, Slug, Source, Topic


def paper(title: str = "A Title", slug: str = "a-title", **fields: object) -> Paper:
    return Paper(
        slug=Slug(slug),
        key=title.casefold(),
        title=title,
        abstract="An abstract.",
        sources=(Source("data/listings/a.txt", 3, "listings/a.txt"), Source("data/listings/b.txt", 9, "b.txt")),
        **fields,  # type: ignore[arg-type]
    )


EFFICIENCY = Topic(Slug("efficiency"), "Efficiency & <speed>", "", None, ())
QUANT = Topic(Slug("quantization"), "Quantization", "", Slug("efficiency"), ())


def text_of(fragment: str) -> str:
    """What a reader sees: tags dropped, entities read."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(fragment)
    return "".join(parser.parts)


@pytest.mark.parametrize(
    ("n", "word", "words", "expected"),
    [
        (0, "upvote", None, "0 upvotes"),
        (1, "upvote", None, "1 upvote"),
        (2, "upvote", None, "2 upvotes"),
        (1, "paper", None, "1 paper"),
        (1_000, "author", None, "1000 authors"),
        (1, "child", "children", "1 child"),
        (3, "child", "children", "3 children"),
    ],
)
def test_plural(n: int, word: str, words: str | None, expected: str) -> None:
    assert plural(n, word, words) == expected


def test_the_metadata_line_of_a_dated_paper_names_date_authors_upvotes_and_organisation() -> None:
    organisation = Organisation("openbmb", "OpenBMB <lab>", Slug("openbmb"))
    dated = paper(date=dt.date(2024, 3, 1), authors=7, upvotes=1, organisation=organisation)
    meta = paper_facts(dated, [], [], [], 0, "Mar 1, 2024").meta
    assert '<time datetime="2024-03-01">Mar 1, 2024</time>' in meta
    assert text_of(meta) == "Mar 1, 2024 · 7 authors · 1 upvote · OpenBMB <lab>"
    assert '<a href="../../organisations/openbmb/">OpenBMB &lt;lab&gt;</a>' in meta


def test_an_undated_paper_shows_what_is_known_and_no_date() -> None:
    meta = paper_facts(paper(upvotes=3), [], [], [], 0, None).meta
    assert "<time" not in meta and text_of(meta) == "3 upvotes"
    nothing = paper_facts(paper(), [], [], [], 0, None).meta
    assert text_of(nothing) == "No date or author count in the listings"


def test_link_buttons_name_their_kind_and_the_code_link_is_the_primary_one() -> None:
    links = (
        Link("https://github.com/org/repo", "code"),
        Link("https://huggingface.co/org/model", "model"),
        Link('https://example.org/a?b=1&c="x"', "project"),
    )
    buttons = paper_facts(paper(links=links), [], [], [], 0, None).links
    assert re.findall(r'<a class="([^"]+)"', buttons) == ["md-button md-button--primary", "md-button", "md-button"]
    shown = [text_of(b) for b in re.findall(r"<a [^>]*>.*?</a>", buttons)]
    assert [s.split(":")[0] for s in shown] == ["Code", "Model", "Project"]
    assert 'href="https://example.org/a?b=1&amp;c=&quot;x&quot;"' in buttons  # escaped, quotes included
    assert all('rel="noopener"' in b for b in re.findall(r"<a [^>]*>", buttons))
    assert paper_facts(paper(), [], [], [], 0, None).links == ""  # no links, no paragraph


def test_tags_and_topics_link_to_the_topic_pages() -> None:
    facts = paper_facts(paper(), [QUANT, EFFICIENCY], [], [], 0, None)
    assert re.findall(r'href="([^"]+)"', facts.tags) == ["../../topics/quantization/", "../../topics/efficiency/"]
    assert "Efficiency &amp; &lt;speed&gt;" in facts.tags
    assert '<li><a href="../../topics/efficiency/">Efficiency &amp; &lt;speed&gt;</a></li>' in facts.more


def test_related_papers_give_their_reasons_in_words_and_never_a_score() -> None:
    other = paper("GPTQ: <Accurate> Quantization", "gptq")
    quiet = paper("Nothing Shared", "nothing-shared")
    related = [
        (Related(0.8731, other.slug, ("post-training", "4-bit <weights>"), "names its method GPTQ"), other, [QUANT]),
        (Related(0.5129, quiet.slug), quiet, []),
    ]
    more = paper_facts(paper(), [QUANT], related, [], 0, None).more
    items = re.findall(r'<ul class="paper-related">(.*?)</ul>', more, re.S)[0].strip().split("\n")
    assert text_of(items[0]) == (
        "GPTQ: <Accurate> Quantization names its method GPTQ; both on Quantization; "
        "both discuss post-training, 4-bit <weights>"
    )
    assert '<a href="../gptq/">GPTQ: &lt;Accurate&gt; Quantization</a>' in items[0]
    assert "<em>post-training</em>" in items[0]
    assert text_of(items[1]) == "Nothing Shared" and "paper-reason" not in items[1]
    assert "0.87" not in more and "0.51" not in more and "score" not in more


def test_without_related_papers_the_page_says_so() -> None:
    more = paper_facts(paper(), [], [], [], 0, None).more
    assert "<p>No paper in this collection is close enough to show.</p>" in more
    assert 'id="mentioned-by"' not in more


def test_mentioned_by_lists_the_papers_shown_and_counts_the_rest() -> None:
    mentioning = [paper(f"Paper {i}", f"paper-{i}") for i in range(3)]
    more = paper_facts(paper(), [], [], mentioning, 5, None).more
    section = more.split('<h2 id="mentioned-by">Mentioned by</h2>', 1)[1]
    assert re.findall(r'<a href="\.\./([^"]+)/">', section)[:3] == ["paper-0", "paper-1", "paper-2"]
    assert "And 2 more, listed under <code>mentioned_by</code>" in section
    assert "And " not in paper_facts(paper(), [], [], mentioning, 3, None).more


def test_the_listings_a_paper_came_from_are_named_with_their_lines() -> None:
    more = paper_facts(paper(), [], [], [], 0, None).more
    assert (
        '<p class="paper-sources">Listed in <code>listings/a.txt</code> (line 3), <code>b.txt</code> (line 9).</p>'
        in more
    )
