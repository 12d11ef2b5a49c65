"""Lists of papers (generator/emit/lists.py): what each item shows, the first sentence, long lists capped,
and the timeline grouped by year with links from its chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.emit.lists import LIST_LIMIT, PaperLists, capped, first_sentence, most_upvoted
from generator.emit.render import MONTH_LIMIT, render_site
from generator.ids import identity_key, slugify
from generator.model import Corpus, Paper, Slug, Source, Topic, newest_first


@pytest.mark.parametrize(
    ("abstract", "sentence"),
    [
        ("We propose X. It works.", "We propose X."),
        ("Models, e.g. GPT-4 and Llama, fail. Then more.", "Models, e.g. GPT-4 and Llama, fail."),
        ("As in Smith et al. We extend it. More.", "As in Smith et al. We extend it."),
        ("Model A vs. Model B compared. Yes.", "Model A vs. Model B compared."),
        ("We gain 3.5 points on MMLU. More.", "We gain 3.5 points on MMLU."),
        ("Shown in Fig. 2 and Eq. 3 here. Next.", "Shown in Fig. 2 and Eq. 3 here."),
        ("Cf. Table 2 for details. Next.", "Cf. Table 2 for details."),
        ("i.e. this holds. Next.", "i.e. this holds."),
        ("Does scale help? We ask.", "Does scale help?"),
        ('They call it "magic." Then it works.', 'They call it "magic."'),
        ("A result with 2 parts. 3 more follow.", "A result with 2 parts."),
        ("no capital after this. still one sentence", "no capital after this. still one sentence"),
        ("Spread over\nlines.  Next.", "Spread over lines."),
        ("", ""),
    ],
)
def test_first_sentence_ends_at_a_sentence_end_only(abstract: str, sentence: str) -> None:
    assert first_sentence(abstract) == sentence


def test_first_sentence_is_bounded_and_cut_at_a_word() -> None:
    long = "word " * 100 + "end. Next."
    cut = first_sentence(long, limit=60)
    assert len(cut) <= 60 and cut.endswith("word…")


def paper(title: str, date: dt.date | None = None, upvotes: int | None = None, abstract: str = "") -> Paper:
    return Paper(
        slug=slugify(title),
        key=identity_key(title),
        title=title,
        abstract=abstract or f"About {title}. More text.",
        sources=(Source("a.txt", 1),),
        date=date,
        upvotes=upvotes,
    )


TOPICS = {
    Slug("efficiency"): Topic(Slug("efficiency"), "Efficiency", "Cheaper.", None, ()),
    Slug("quantization"): Topic(Slug("quantization"), "Quantization <bits>", "Fewer bits.", Slug("efficiency"), ()),
}


def test_an_item_shows_date_upvotes_topic_chips_and_first_sentence() -> None:
    dated = paper("Dated <b>", dt.date(2024, 3, 1), 7, "First one, e.g. this. Second.")
    undated = paper("Undated")
    lists = PaperLists(TOPICS, {dated.slug: (Slug("quantization"),), undated.slug: (Slug("efficiency"),)})
    item = lists.item(dated, "../../")
    assert item.startswith('<li data-topics="quantization efficiency" data-date="2024-03-01" data-upvotes="7">')
    assert f'<a class="paper-list__title" href="../../papers/{dated.slug}/">Dated &lt;b&gt;</a>' in item
    assert '<time datetime="2024-03-01">Mar 1, 2024</time> · 7 upvotes' in item
    # Chips for the paper's own topics (escaped), each a link to the topic's page.
    assert '<a href="../../topics/quantization/" class="md-tag">Quantization &lt;bits&gt;</a>' in item
    assert '<span class="paper-list__summary">First one, e.g. this.</span>' in item
    other = lists.item(undated, "")
    assert '<span class="paper-list__undated">undated</span>' in other and "data-date" not in other
    assert "upvote" not in other
    # One block of HTML in the Markdown page: no blank line inside.
    assert "\n\n" not in lists.html([dated, undated], "")


def test_a_long_list_keeps_the_first_of_every_order() -> None:
    papers = [paper(f"Paper {i:04d}", dt.date(2020, 1, 1) + dt.timedelta(days=i), i % 37 or None) for i in range(400)]
    relevance_order = sorted(papers, key=lambda p: p.title)  # stands for "most relevant first"
    chosen = capped(relevance_order)
    shown = {p.slug for p in chosen.papers}
    assert chosen.total == 400 and len(shown) <= 3 * LIST_LIMIT
    for order in (relevance_order, newest_first(papers), most_upvoted(papers)):
        assert {p.slug for p in order[:LIST_LIMIT]} <= shown
    assert [p for p in relevance_order if p.slug in shown] == list(chosen.papers)
    assert capped(papers[:LIST_LIMIT]).papers == tuple(papers[:LIST_LIMIT])


def test_timeline_groups_months_under_years_and_bars_lead_to_months() -> None:
    papers = [paper(f"May {i}", dt.date(2024, 5, 1 + i), i) for i in range(MONTH_LIMIT + 3)]
    papers += [paper("Old", dt.date(2022, 1, 5)), paper("Undated")]
    corpus = Corpus(
        papers=tuple(sorted(papers, key=lambda p: p.slug)),
        topics=tuple(TOPICS.values()),
        paper_topics={p.slug: (Slug("efficiency"),) for p in papers},
        related={},
        fallback=Slug("efficiency"),
    )
    page = render_site(corpus)["timeline.md"].decode()
    assert re.findall(r"^## (.*) \{ #(\d+) \}$", page, re.M) == [
        ("2024 · 13 papers", "2024"),
        ("2022 · 1 paper", "2022"),
    ]
    months = re.findall(r'<details class="timeline-month" id="([\d-]+)"( open)?><summary>([^<]+)</summary>', page)
    # The newest month is open; older ones are closed until a bar or an address opens them.
    assert months == [("2024-05", " open", "May 2024 · 13 papers"), ("2022-01", "", "January 2022 · 1 paper")]
    # A month shows its most upvoted papers and counts the rest.
    assert page.count("<li ") == MONTH_LIMIT + 1
    assert "And 3 more papers from May 2024" in page
    targets = re.findall(r'xlink:href="#([\d-]+)"', page)
    assert targets == ["2022-01", "2024-05"]
