"""Corpus to site files: Markdown pages with YAML front matter, and the papers.json/CSV exports.

Nothing here touches the file system except reading templates; the result is a mapping of
relative paths to bytes that the write stage puts in place.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .. import links, progress, quality, ranking
from .. import topics as topics_module
from ..clean import plain_text
from ..model import Corpus, Mention, Paper, Related, Slug, Topic, newest_first, with_broader
from ..topics import MAX_TOPICS
from .charts import bar_chart, topic_map
from .escape import Trusted, html_text, markdown_text, spreadsheet_cell
from .facts import paper_facts, plural
from .formats import front_matter, json_file
from .lists import (
    LIST_LIMIT,
    ORGANISATION_ORDERS,
    TOPIC_ORDERS,
    PaperLists,
    by_relevance,
    capped,
    date_label,
    most_upvoted,
)
from .previews import preview_files
from .reading import reading_files

TEMPLATES = Path(__file__).parent / "templates"
RELATED_TOPICS = 5
"""How many co-occurring topics a topic page names."""

HOME_LIST = 10
"""How many papers the home page lists as newest and as most upvoted."""

MONTH_LIMIT = 10
"""How many papers the timeline shows of a month (its most upvoted); the rest are counted."""

TIMELINE_OPEN = 10
"""The timeline's newest months are open until this many papers show; older months are closed."""

MENTIONED_BY_SHOWN = 20
"""How many papers a paper page lists under "Mentioned by" (the newest); the rest are counted."""

FEED_ITEMS = 30
"""How many papers a topic's or an organisation's RSS feed holds: its newest dated ones, as many as
the site's feed of newest papers (``length`` in mkdocs.yml). A feed reader keeps what it has seen."""


@dataclass(frozen=True)
class PaperView:
    """What a template needs to show one paper."""

    paper: Paper
    """The paper."""
    topics: tuple[Topic, ...]
    """Its topics, most specific first."""
    related: tuple[tuple[Related, Paper, tuple[Topic, ...]], ...]
    """Related papers with the relation and the topics the two share."""
    abstract_parts: tuple[tuple[str, Slug | None], ...]
    """The abstract cut at its mentions: text, and the paper a part links to (None for plain text)."""
    mentioned_by: tuple[Paper, ...]
    """Papers whose abstracts mention a name this paper introduces, by slug (papers.json lists them all)."""
    mentioned_by_shown: tuple[Paper, ...]
    """The newest ``MENTIONED_BY_SHOWN`` of them, newest first: what the page lists."""

    def abstract_markdown(self) -> Trusted:
        """The abstract as Markdown, its mentions linked to the papers they name."""
        out = []
        parts = self.abstract_parts
        for index, (text, target) in enumerate(parts):
            if target:
                out.append(f"[{inline_markdown(text)}]({target}.md)")
            elif text.endswith("!") and index + 1 < len(parts) and parts[index + 1][1]:
                # "!" right before "[name](paper.md)" would make the link an image: escaped.
                out.append(inline_markdown(text[:-1], line_start=index == 0) + "\\!")
            else:
                out.append(inline_markdown(text, line_start=index == 0))
        return Trusted("".join(out))


def _finalize(value: Any) -> Any:
    """Every string a template prints is escaped for Markdown unless the generator marked it Trusted."""
    if isinstance(value, str) and not isinstance(value, Trusted):
        return markdown_text(value)
    return value


_INLINE_SPECIALS = re.compile(r"([\\`*_{}\[\]|])")
_ONE_LINE = re.compile(r"\S[^\n\r\t\f\v\x1c-\x1f\x85\u2028\u2029]*")
"""Text on one line that does not start with a space: the only text ``inline_markdown`` shortens."""


def inline_markdown(text: str, line_start: bool = False) -> str:
    """``markdown_text(text)`` with fewer escapes, for one line of text inside a paragraph.

    Inside a line, only backslashes, code spans, emphasis, brackets (links, images), braces
    (attribute lists after a link) and table pipes mean anything to Markdown; HTML specials
    become entities as in ``markdown_text``. Other ASCII punctuation (``-``, ``.``, ``#``, ``:``...)
    only starts a block at the start of a line, so at the start the first word is escaped in full.
    Rendered, the result is the same HTML as ``markdown_text``'s (tests/test_render.py checks it),
    with a third of the escapes for Markdown to resolve. Text on several lines, or starting with a
    space, is left to ``markdown_text``.
    """
    if not _ONE_LINE.fullmatch(text):
        return markdown_text(text)
    if line_start:
        head, space, rest = text.partition(" ")
        return markdown_text(head) + space + _INLINE_SPECIALS.sub(r"\\\1", html.escape(rest, quote=False))
    return _INLINE_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["trusted"] = Trusted
    env.filters["date"] = _date_or_undated
    env.filters["plural"] = plural
    # Text inside a line, such as a title in a link's label: the same rendering with fewer escapes.
    env.filters["inline"] = lambda text: Trusted(inline_markdown(text))
    return env


def _date_or_undated(date: dt.date | None) -> str:
    return date_label(date) if date else "undated"


class _Site:
    """What every page of one corpus is rendered with: the templates, the lookups, the context."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.env = _environment()
        self.paper_template = self.env.get_template("paper.md.j2")  # once: each lookup stats the file
        self.by_slug = {p.slug: p for p in corpus.papers}
        self.topics = {t.slug: t for t in corpus.topics}
        self.members: dict[Slug, list[Paper]] = {t.slug: [] for t in corpus.topics}
        """The papers tagged with each topic itself, by slug."""
        self.family: dict[Slug, list[Paper]] = {t.slug: [] for t in corpus.topics}
        """The papers of each topic's family: tagged with it or with a narrower topic, each once."""
        for paper in corpus.papers:
            tags = [self.topics[slug] for slug in corpus.paper_topics[paper.slug]]
            for topic in tags:
                self.members[topic.slug].append(paper)
            for topic in with_broader(tags, self.topics):
                self.family[topic.slug].append(paper)
        self.mentioned_by: dict[Slug, list[Paper]] = {}
        for paper in corpus.papers:
            for mention in corpus.mentions.get(paper.slug, ()):
                self.mentioned_by.setdefault(mention.target, []).append(paper)
        self.topic_sets = {slug: frozenset(slugs) for slug, slugs in corpus.paper_topics.items()}
        children: dict[Slug | None, list[Topic]] = {}
        for topic in corpus.topics:
            children.setdefault(topic.parent, []).append(topic)
        self.children = children
        # A topic's count, wherever the site shows one (home page cards, the topics overview and its
        # map, topic pages and their narrower topics): the papers of its family, as the search's
        # topic menu counts them and `topic:` finds them. A broader topic's page says how many of
        # them carry the topic itself.
        self.counts = {slug: len(papers) for slug, papers in self.family.items()}
        self.lists = PaperLists(self.topics, corpus.paper_topics)
        self.env.filters["paper_list"] = lambda papers, to_root: Trusted(self.lists.html(papers, to_root))
        dated = [p.date for p in corpus.papers if p.date]
        self.context = {
            "corpus": corpus,
            "counts": self.counts,
            "children": children,
            "topics": self.topics,
            "date_range": (min(dated), max(dated)) if dated else None,
            "listings": sorted({f for p in corpus.papers for f in p.listings}),
        }

    def shared_topics(self, a: Slug, b: Slug) -> tuple[Topic, ...]:
        """The topics of paper ``a`` that paper ``b`` has too, in ``a``'s order."""
        theirs = self.topic_sets[b]
        # The fallback topic says nothing of why two papers are alike.
        return tuple(self.topics[t] for t in self.corpus.paper_topics[a] if t in theirs and t != self.corpus.fallback)

    def view(self, p: Paper) -> PaperView:
        """What the templates need to show one paper."""
        corpus, mentioned_by = self.corpus, self.mentioned_by
        return PaperView(
            paper=p,
            topics=tuple(self.topics[t] for t in corpus.paper_topics[p.slug]),
            related=tuple(
                (r, self.by_slug[r.target], self.shared_topics(p.slug, r.target))
                for r in corpus.related.get(p.slug, ())
            ),
            abstract_parts=_split_at_mentions(p.abstract, corpus.mentions.get(p.slug, ())),
            mentioned_by=tuple(sorted(mentioned_by.get(p.slug, []), key=lambda q: q.slug)),
            mentioned_by_shown=tuple(newest_first(mentioned_by.get(p.slug, []))[:MENTIONED_BY_SHOWN]),
        )

    def paper_page(self, view: PaperView) -> bytes:
        """A paper's page, encoded at once: UTF-8 takes less memory than the text."""
        page = self.paper_template.render(view=view, fm=_paper_front_matter(view), **self.context)
        return page.encode("utf-8")


def render_papers(corpus: Corpus, slugs: Collection[Slug]) -> dict[str, bytes]:
    """The pages of the papers ``slugs``: what ``render_site(corpus, elsewhere=slugs)`` leaves out
    (so that another process can render them)."""
    site = _Site(corpus)
    pages = {}
    for paper in corpus.papers:
        if paper.slug in slugs:
            pages[f"papers/{paper.slug}.md"] = site.paper_page(site.view(paper))
            progress.advance()
    return pages


def render_site(corpus: Corpus, elsewhere: Collection[Slug] = frozenset()) -> dict[str, bytes]:
    """Every generated file under docs/, by relative path, but the pages of the papers ``elsewhere``
    (``render_papers`` renders those)."""
    site = _Site(corpus)
    env, topics, counts, context = site.env, site.topics, site.counts, site.context
    views = {p.slug: site.view(p) for p in corpus.papers}
    files: dict[str, bytes] = {}
    for view in views.values():
        if view.paper.slug not in elsewhere:
            files[f"papers/{view.paper.slug}.md"] = site.paper_page(view)
            progress.advance()
    cooccurring = _cooccurrence(corpus)
    topic_page = env.get_template("topic.md.j2")
    for topic in corpus.topics:
        # One list per topic: its family (the papers tagged with it or a narrower topic, each once),
        # most relevant to the topic first; menus in the page reorder and narrow it. The chart
        # counts the family's papers once each.
        family = site.family[topic.slug]
        years = Counter(p.date.year for p in family if p.date)
        shown = capped(by_relevance(family, topic.slug, corpus.relevance))
        narrower = site.children.get(topic.slug, [])
        controls = site.lists.controls(
            "topic-papers",
            TOPIC_ORDERS,
            narrower,
            sorted({p.date.year for p in shown.papers if p.date}),
            any(not p.date for p in shown.papers),
        )
        files[f"topics/{topic.slug}.md"] = topic_page.render(
            topic=topic,
            own=len(site.members[topic.slug]),
            list_limit=LIST_LIMIT,
            shown=shown,
            paper_list=Trusted(controls + "\n" + site.lists.html(shown.papers, "../../", "topic-papers")),
            related_topics=[(topics[t], n) for t, n in cooccurring.get(topic.slug, [])[:RELATED_TOPICS]],
            chart=bar_chart(
                [(str(y), years.get(y, 0)) for y in range(min(years), max(years) + 1)] if years else [],
                f"{topic.name}: papers per year",
            ),
            undated=sum(1 for p in family if not p.date),
            fm=front_matter(
                {
                    "title": html_text(topic.name),
                    "description": html_text(topic.description),
                    "feed": _feed(f"Newest papers on {topic.name}", family),
                }
            ),
            **context,
        ).encode("utf-8")
    organisations: dict[Slug, list[Paper]] = {}
    for paper in corpus.papers:
        if paper.organisation:
            organisations.setdefault(paper.organisation.slug, []).append(paper)
    organisation_page = env.get_template("organisation.md.j2")
    for slug, papers in organisations.items():
        organisation = papers[0].organisation
        assert organisation is not None
        # The whole list, newest first; with two papers or more, the topic pages' menus: newest or
        # most upvoted first, narrowed to one of the papers' topics or a year.
        tagged = {t for p in papers for t in corpus.paper_topics[p.slug]}
        controls = (
            site.lists.controls(
                "organisation-papers",
                ORGANISATION_ORDERS,
                sorted((topics[t] for t in tagged), key=lambda t: (t.name.casefold(), t.slug)),
                sorted({p.date.year for p in papers if p.date}),
                any(not p.date for p in papers),
                topic_label="Topic",
            )
            + "\n"
            if len(papers) > 1
            else ""
        )
        files[f"organisations/{slug}.md"] = organisation_page.render(
            organisation=organisation,
            paper_list=Trusted(controls + site.lists.html(newest_first(papers), "../../", "organisation-papers")),
            fm=front_matter(
                {
                    "title": html_text(organisation.name),
                    "search": {"exclude": True},
                    "feed": _feed(f"Newest papers of {organisation.name}", papers),
                }
            ),
            **context,
        ).encode("utf-8")
    pages: dict[str, dict[str, Any]] = {
        "index.md": {
            "newest": newest_first(corpus.papers)[:HOME_LIST],
            "upvoted": most_upvoted(corpus.papers)[:HOME_LIST],
        },
        "topics/index.md": {
            "tree": [(1 if t.parent else 0, t) for t in corpus.topics],
            "fm": front_matter(
                {
                    "title": "Topics",
                    "template": "topics.html",
                    "search": {"exclude": True},
                    "topic_map": topic_map(
                        [(t.slug, t.name, t.parent, counts[t.slug]) for t in corpus.topics],
                        [
                            (a, b, n)
                            for a, others in cooccurring.items()
                            for b, n in others
                            if a < b and topics[a].parent != b and topics[b].parent != a
                        ],
                    ),
                }
            ),
        },
        "timeline.md": _timeline(corpus.papers, site.lists),
        "organisations/index.md": {
            "organisations": sorted(
                ((slug, papers[0].organisation, len(papers)) for slug, papers in organisations.items()),
                key=lambda item: (-item[2], item[0]),
            )
        },
        "reading-list.md": {},
        "about.md": {
            "fallback": topics.get(corpus.fallback) if corpus.fallback else None,
            "top_k": links.TOP_K,
            "cutoff": ranking.RELATIVE_CUTOFF,
            "reason_share": ranking.REASON_SHARE,
            "signals": ranking.described_signals(),
            "folds": quality.FOLDS,
            "confirm": topics_module.CONFIRM,
            "add": topics_module.ADD,
            "rescue": topics_module.RESCUE,
            "max_topics": MAX_TOPICS,
            "feed_items": FEED_ITEMS,
        },
    }
    for path, extra in pages.items():
        files[path] = env.get_template(path.replace("/", "-") + ".j2").render(**extra, **context).encode("utf-8")
    records = [_record(views[p.slug], corpus, topics) for p in corpus.papers]
    files["papers.json"] = json_file(records)
    files["papers.csv"] = _csv(records)
    files.update(preview_files(corpus, date_label))
    files.update(reading_files(corpus))
    return dict(sorted(files.items()))


def _feed(title: str, papers: Iterable[Paper]) -> dict[str, Any]:
    """What the MkDocs hook writes a page's RSS feed from (generator/mkdocs_hooks.py): its title, as
    plain text without characters XML forbids, and the slugs of its newest ``FEED_ITEMS`` dated
    papers, newest first (the feed plugin has left the undated ones out: they are drafts)."""
    newest = [p.slug for p in newest_first(papers) if p.date][:FEED_ITEMS]
    return {"title": plain_text(title), "papers": newest}


def _timeline(papers: Iterable[Paper], lists: PaperLists) -> dict[str, Any]:
    """Years with their months, newest first, each month's papers, and a chart of papers per month
    whose bars lead to the months.

    A month shows at most ``MONTH_LIMIT`` papers (its most upvoted, newest first) and counts the
    rest. The newest months are open until ``TIMELINE_OPEN`` papers show; the others are closed
    (a bar, an address or a search in the page opens them), so the page stays short.
    """
    papers = list(papers)
    dated = newest_first(p for p in papers if p.date)
    months: dict[tuple[int, int], list[Paper]] = {}
    for paper in dated:
        assert paper.date is not None
        months.setdefault((paper.date.year, paper.date.month), []).append(paper)
    bars: list[tuple[str, int]] = []
    targets: list[str | None] = []
    if months:
        (y0, m0), (y1, m1) = min(months), max(months)
        for index in range(y0 * 12 + m0 - 1, y1 * 12 + m1):
            year, month = divmod(index, 12)
            count = len(months.get((year, month + 1), []))
            bars.append((f"{dt.date(year, month + 1, 1):%b %Y}", count))
            targets.append(f"#{year}-{month + 1:02d}" if count else None)
    years: dict[int, list[str]] = {}
    open_papers = 0
    for (y, m), items in months.items():
        # Its most upvoted, then its newest without upvotes (``items`` are newest first).
        shown = newest_first((most_upvoted(items) + [p for p in items if not p.upvotes])[:MONTH_LIMIT])
        more = len(items) - len(shown)
        opened = " open" if open_papers < TIMELINE_OPEN else ""
        open_papers += len(shown)
        note = (
            f'<p class="timeline-more">And {plural(more, "more paper")} from {dt.date(y, m, 1):%B %Y}: search '
            f"<code>year:{y}</code> to see every paper of the year.</p>"
            if more
            else ""
        )
        years.setdefault(y, []).append(
            f'<details class="timeline-month" id="{y}-{m:02d}"{opened}>'
            f"<summary>{dt.date(y, m, 1):%B %Y} · {plural(len(items), 'paper')}</summary>\n"
            f"{lists.html(shown, '../')}\n{note}</details>"
        )
    counts = Counter(y for (y, _), items in months.items() for _ in items)
    return {
        "years": [(y, counts[y], Trusted("\n".join(blocks))) for y, blocks in years.items()],
        "chart": bar_chart(bars, "Papers per month", width=760, height=160, links=targets),
        "undated": sum(1 for p in papers if not p.date),
    }


def _cooccurrence(corpus: Corpus) -> dict[Slug, list[tuple[Slug, int]]]:
    """For each topic, the other topics its papers also have, most shared first."""
    pairs: Counter[tuple[Slug, Slug]] = Counter()
    for slugs in corpus.paper_topics.values():
        for a in slugs:
            for b in slugs:
                if a != b:
                    pairs[(a, b)] += 1
    result: dict[Slug, list[tuple[Slug, int]]] = {}
    for (a, b), count in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        result.setdefault(a, []).append((b, count))
    return result


def _split_at_mentions(text: str, mentions: Iterable[Mention]) -> tuple[tuple[str, Slug | None], ...]:
    parts: list[tuple[str, Slug | None]] = []
    position = 0
    for mention in sorted(mentions):
        parts.append((text[position : mention.start], None))
        parts.append((text[mention.start : mention.end], mention.target))
        position = mention.end
    parts.append((text[position:], None))
    return tuple(part for part in parts if part[0])


def _paper_front_matter(view: PaperView) -> Trusted:
    """What MkDocs, its plugins and the paper template (overrides/paper.html) read from a paper page.

    ``title`` and ``description`` are HTML-escaped because Material prints those two unescaped;
    the facts around the abstract are HTML the generator wrote (generator/emit/facts.py), one string each.
    """
    paper = view.paper
    data: dict[str, Any] = {
        "title": html_text(paper.title),
        "description": html_text(_summary(paper.abstract)),
        "template": "paper.html",
        "hide": ["toc"],
    }
    if paper.date:
        data["date"] = paper.date.isoformat()
    else:
        # The feed lists the newest papers by date; the feed plugin leaves out pages marked draft.
        data["draft"] = True
    facts = paper_facts(
        paper,
        view.topics,
        [(r, other, shared) for r, other, shared in view.related],
        view.mentioned_by_shown,
        len(view.mentioned_by),
        date_label(paper.date) if paper.date else None,
    )
    blocks = "".join(
        _html_block(f"paper_{name}", text)
        for name, text in (
            ("tags", facts.tags),
            ("meta", facts.meta),
            ("links", facts.links),
            ("more", facts.more),
            ("cite", facts.cite),
        )
        if text
    )
    return Trusted(front_matter(data)[: -len("---\n")] + blocks + "---\n")


_HTML_BLOCK_UNSAFE = re.compile(
    r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""Characters a YAML block scalar cannot hold as they are (controls, line breaks other than
``\\n``, the byte order mark, lone surrogates)."""


def _html_block(key: str, fragment: str) -> str:
    """``key`` with an HTML fragment as a YAML literal block scalar: each line as it is, indented.

    Characters YAML does not allow in a block scalar are written as HTML character references,
    which the browser shows as the same characters. Empty lines and lines that start with a space
    do not occur in the generator's HTML (a literal block would read them differently).
    """
    text = _HTML_BLOCK_UNSAFE.sub(lambda m: f"&#x{ord(m[0]):X};", fragment)
    return f"{key}: |-\n  " + text.replace("\n", "\n  ") + "\n"


def _summary(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _record(view: PaperView, corpus: Corpus, topics: Mapping[Slug, Topic]) -> dict[str, Any]:
    paper = view.paper
    return {
        "title": paper.title,
        "slug": paper.slug,
        "url": f"papers/{paper.slug}/",
        "date": paper.date.isoformat() if paper.date else None,
        "authors": paper.authors,
        "upvotes": paper.upvotes,
        "organisation": {"handle": paper.organisation.handle, "name": paper.organisation.name}
        if paper.organisation
        else None,
        "tags": [t.name for t in view.topics],
        "topic_slugs": [t.slug for t in view.topics],
        "topics": list(dict.fromkeys(t.name for t in with_broader(view.topics, topics))),
        "related": [r.target for r, _, _ in view.related],
        "mentions": [m.target for m in corpus.mentions.get(paper.slug, ())],
        "mentioned_by": [q.slug for q in view.mentioned_by],
        "links": [{"url": link.url, "kind": link.kind} for link in paper.links],
        "sources": [s.where for s in paper.sources],
        "abstract": paper.abstract,
    }


def _csv(records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    columns = [
        "slug",
        "title",
        "date",
        "authors",
        "upvotes",
        "organisation",
        "tags",
        "related",
        "links",
        "sources",
        "url",
    ]
    writer = csv.writer(out, lineterminator="\n")  # what csv.DictWriter writes, without its per-row checks
    writer.writerow(columns)
    for r in records:
        row = dict(r)
        row["organisation"] = r["organisation"]["name"] if r["organisation"] else ""
        for key in ("tags", "related", "sources"):
            row[key] = "; ".join(r[key])
        row["links"] = " ".join(link["url"] for link in r["links"])
        writer.writerow([spreadsheet_cell(row[c]) for c in columns])
    return out.getvalue().encode("utf-8")
