"""The site's search, the same in the browser and in the terminal.

The generator builds one lunr index of the papers, topics and organisations (PyPI ``lunr``, the
Python port of lunr.js) and writes it, with what a result shows and the facet values, to
``docs/search/index.json``. The MkDocs hook puts it into each site's ``search/search_index.json``,
where Material's search dialog loads it and hands it to the site's search worker
(``generator/search_worker.js``), which loads the index with lunr.js instead of indexing in the
browser. ``python -m generator search`` loads the same file from the built site. Past
:data:`LUNR_LIMIT` papers the hosted site's box asks Pagefind instead (:func:`choose_engine`).

Both sides turn a query into the same lunr clauses (:func:`plan`), with the settings written into
the file (:data:`QUERY`), so they rank alike:

- every word matches its stem exactly (boost 10), from three letters the start of a longer word
  (boost 1: the query is typed a letter at a time), and, from five letters, when the index lacks
  the word, words one edit away (two from nine letters; boost 0.1: typing slips). Stop words ("a",
  "of") count only when typed whole and are never reported missing;
- ``topic:``, ``year:`` and ``org:`` terms narrow the results to papers with that topic (or a
  narrower one), year or organisation; alone they list those papers, newest first;
- a result's score is lunr's, times ``1 + coverage²`` (coverage: the share of the query's words it
  matches), so a paper holding every word of a pasted title comes first.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from lunr.index import Index  # type: ignore[import-untyped]
from lunr.query import Query  # type: ignore[import-untyped]
from lunr.stop_word_filter import WORDS  # type: ignore[import-untyped]

from . import progress
from .ids import slugify
from .model import Corpus, Paper, Slug, Topic
from .render import ancestors, newest_first
from .stemmer import stem

INDEX_FILE = "search/index.json"
"""Where the generator writes the search data, under docs/ (the hook moves it into the sites)."""

FORMAT = 1
"""Version of the file's layout; the worker and the terminal refuse another."""

FIELDS = {"title": 10, "tags": 3, "text": 1}
"""Indexed fields and their boosts: a word of the title counts most, then a topic name, then the abstract."""

QUERY = {
    "exact": 10,
    "prefix": 1,
    "fuzzy": 0.1,
    "prefix_from": 3,
    "fuzzy_from": 5,
    "fuzzy_two_from": 9,
}
"""How a query word becomes clauses (see the module's description); written into the file for the worker."""

FACETS = ("topic", "year", "org")
"""Facet names a query may use as ``name:value``; ``organisation:`` is read as ``org:``."""

SNIPPET = 300
"""Characters of the abstract a result shows."""

LUNR_LIMIT = 1_500
"""Up to this many papers the lunr index, which the browser loads whole before it answers, holds
abstracts and answers the hosted site's search box. Past it (bench/RESULTS.md, "Search": 2,000
papers make a 6 MB index and a first answer after more than 1 s) the hosted site's box asks
Pagefind, and the index (the offline site's search and the terminal's) holds titles and topics
only, its results showing no abstract."""

ENGINES = ("auto", "lunr", "pagefind")
"""What ``build --search`` accepts: which engine answers the hosted site's search box."""


def choose_engine(papers: int, option: str = "auto") -> str:
    """The hosted site's search engine: lunr (this module's index, loaded whole) up to
    :data:`LUNR_LIMIT` papers, Pagefind (an index in small pieces fetched per query word) past
    it. The offline site always uses lunr: browsers refuse Pagefind's fetches from ``file://``."""
    if option != "auto":
        return option
    return "lunr" if papers <= LUNR_LIMIT else "pagefind"


_SEPARATOR = re.compile(r"[ \t\n\r\f\v\xa0-]+")
_TRIM = re.compile(r"^\W+|\W+$", re.ASCII)
_BRITISH = re.compile(r"isation(s?)$")
_FACET = re.compile(
    r'(?:^|[ \t\n\r\f\v\xa0])(topic|year|org|organisation):(?:"([^"]*)"|([^ \t\n\r\f\v\xa0]*))',
    re.IGNORECASE | re.ASCII,
)
"""A facet term; spaces and letter case in the ASCII sense, as the worker's regular expression reads them."""
_STOP_WORDS = frozenset(WORDS)


# --- text -------------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """A text's words as lunr.js splits and trims them: lower case, split at spaces and hyphens,
    non-word characters (ASCII sense, as in JavaScript) stripped from both ends; "-isation" spelt
    "-ization", so either spelling finds both."""
    return [w for w in map(_word, _SEPARATOR.split(text.lower())) if w]


@functools.lru_cache(maxsize=1 << 18)
def _word(piece: str) -> str:
    if not (piece.isascii() and piece.isalnum()):
        piece = _TRIM.sub("", piece)
    if piece.endswith(("isation", "isations")):
        piece = _BRITISH.sub(r"ization\1", piece)
    return piece


@functools.lru_cache(maxsize=1 << 18)
def _term(piece: str) -> str:
    """The index term of a piece of text between separators ("" for none: empty or a stop word)."""
    word = _word(piece)
    return "" if word in _STOP_WORDS else stem(word)


def index_terms(text: str) -> list[str]:
    """What lunr.js's default pipeline (trimmer, stop words, stemmer) makes of a text."""
    return [t for t in map(_term, _SEPARATOR.split(text.lower())) if t]


def facet_value(value: str) -> str:
    """A facet value as written in a query, in the form of a slug: ``"Mixture of experts"`` → ``mixture-of-experts``."""
    return re.sub(r"[^0-9a-z]+", "-", value.lower()).strip("-")


# --- building ---------------------------------------------------------------------------------------


def _snippet(text: str) -> str:
    if len(text) <= SNIPPET:
        return text
    return text[:SNIPPET].rsplit(" ", 1)[0] + " …"


def _paper_doc(paper: Paper, topics: _TopicFacts, full_text: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "location": f"papers/{paper.slug}/",
        "title": html.escape(paper.title),
        "text": f"<p>{html.escape(_snippet(paper.abstract))}</p>" if full_text else "",
        "tags": list(topics.names),
        "topic": list(topics.slugs),
    }
    if paper.date:
        doc["year"] = str(paper.date.year)
        doc["date"] = paper.date.isoformat()
    if paper.organisation:
        doc["org"] = slugify(paper.organisation.handle)
    return doc


@dataclass(frozen=True)
class _TopicFacts:
    """What a paper's search document and index hold of its topics (the same for every paper with them)."""

    names: tuple[str, ...]
    """Topic names, HTML-escaped, as the result shows them."""
    slugs: tuple[str, ...]
    """The topics and the broader ones they are part of: what ``topic:`` matches."""
    terms: tuple[str, ...]
    """The index terms of the topic names."""


def _topic_facts(topics: Sequence[Topic], all_topics: Mapping[Slug, Topic]) -> _TopicFacts:
    slugs: list[str] = []
    for topic in topics:
        for t in [topic, *ancestors(topic, all_topics)]:
            if t.slug not in slugs:
                slugs.append(t.slug)
    return _TopicFacts(
        names=tuple(html.escape(t.name) for t in topics),
        slugs=tuple(slugs),
        terms=tuple(index_terms(" ".join(t.name for t in topics))),
    )


def build(corpus: Corpus, engine: str = "lunr") -> bytes:
    """The search file: documents, facet values, query settings, the serialised lunr index, and
    ``engine``, the hosted site's engine (:func:`choose_engine`)."""
    all_topics = {t.slug: t for t in corpus.topics}
    full_text = len(corpus.papers) <= LUNR_LIMIT
    docs: list[dict[str, Any]] = []
    fields: list[dict[str, list[str]]] = []

    def add(doc: dict[str, Any], title: str, tags: Iterable[str], text: str) -> None:
        docs.append(doc)
        fields.append({"title": index_terms(title), "tags": index_terms(" ".join(tags)), "text": index_terms(text)})

    # Papers newest first: a query of facets alone lists them in this order.
    known: dict[tuple[Slug, ...], _TopicFacts] = {}
    for paper in newest_first(corpus.papers):
        assigned = corpus.paper_topics[paper.slug]
        facts = known.get(assigned)
        if facts is None:
            facts = known[assigned] = _topic_facts([all_topics[s] for s in assigned], all_topics)
        docs.append(_paper_doc(paper, facts, full_text))
        progress.advance()
        fields.append(
            {
                "title": index_terms(paper.title),
                "tags": list(facts.terms),
                "text": index_terms(paper.abstract) if full_text else [],
            }
        )
    for topic in corpus.topics:
        doc = {
            "location": f"topics/{topic.slug}/",
            "title": html.escape(f"Topic: {topic.name}"),
            "text": f"<p>{html.escape(topic.description)}</p>",
        }
        add(doc, topic.name, [topic.name], topic.description)
    organisations: dict[str, str] = {}
    for paper in corpus.papers:
        if paper.organisation:
            organisations.setdefault(slugify(paper.organisation.handle), paper.organisation.name)
    for slug, name in sorted(organisations.items()):
        add(
            {"location": f"organisations/{slug}/", "title": html.escape(f"Organisation: {name}"), "text": ""},
            name,
            [],
            "",
        )

    index = lunr_index(fields)

    data = {
        "format": FORMAT,
        "engine": engine,
        "full_text": full_text,
        "query": QUERY,
        "facets": _facets(corpus, docs, all_topics, organisations),
        "docs": docs,
        "index": index,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def lunr_index(docs: Sequence[Mapping[str, Sequence[str]]]) -> dict[str, Any]:
    """The serialised lunr index of documents given as their fields' index terms, ref = position.

    This is what lunr's ``Builder`` (with :data:`FIELDS`, its default BM25 settings and an empty
    indexing pipeline, the terms being made by :func:`index_terms`) serialises, computed the same
    way in the same order without its per-token objects: about ten times faster. A test checks the
    two give the same index.
    """
    k1, b = 1.2, 0.75
    names = list(FIELDS)
    postings: dict[str, dict[str, Any]] = {}
    no_metadata: dict[str, Any] = {}  # every posting's metadata: none (one object, written as {} each time)
    frequencies: list[tuple[str, str, Counter[str]]] = []
    total_length = dict.fromkeys(names, 0)
    for number, doc in enumerate(docs):
        ref = str(number)
        for name in names:
            terms = doc[name]
            counts = Counter(terms)
            frequencies.append((ref, name, counts))
            total_length[name] += len(terms)
            for term in counts:
                posting = postings.get(term)
                if posting is None:
                    posting = postings[term] = {field: {} for field in names}
                    posting["_index"] = len(postings) - 1
                posting[name][ref] = no_metadata
    count = len(docs)
    average = {name: total_length[name] / count for name in names} if count else dict.fromkeys(names, 0)
    # lunr's BM25, operation by operation as it computes it (float64 in the same order: same values),
    # for every (field of a document, term) at once.
    idf = {
        term: math.log(1 + abs((count - with_term + 0.5) / (with_term + 0.5)))
        for term, posting in postings.items()
        for with_term in [sum(len(posting[field]) for field in names)]
    }
    owners, term_index, weights, tfs = [], [], [], []
    norms, boosts = [], []
    for owner, (_, name, counts) in enumerate(frequencies):
        length = sum(counts.values())
        norms.append(k1 * (1 - b + b * (length / average[name])) if counts else 1.0)
        boosts.append(FIELDS[name])
        for term, tf in counts.items():
            owners.append(owner)
            term_index.append(postings[term]["_index"])
            weights.append(idf[term])
            tfs.append(tf)
    owner_of = np.array(owners, dtype=np.int64)
    tf_of = np.array(tfs, dtype=np.float64)
    scores = (
        np.array(weights)
        * ((k1 + 1) * tf_of)
        / (np.array(norms)[owner_of] + tf_of)
        * np.array(boosts, dtype=np.float64)[owner_of]
    )
    rounded = [round(x, 3) for x in scores.tolist()]
    # Each vector's elements by term index, as lunr's Vector keeps them.
    order = np.lexsort((np.array(term_index, dtype=np.int64), owner_of)).tolist()
    vectors: list[list[Any]] = [[f"{name}/{ref}", []] for ref, name, _ in frequencies]
    for i in order:
        elements = vectors[owners[i]][1]
        elements.append(term_index[i])
        elements.append(rounded[i])
    return {
        "version": "2.3.9",
        "fields": names,
        "fieldVectors": vectors,
        "invertedIndex": [[term, postings[term]] for term in sorted(postings)],
        "pipeline": ["stemmer"],
    }


def _facets(
    corpus: Corpus, docs: Sequence[Mapping[str, Any]], topics: Mapping[Slug, Topic], organisations: Mapping[str, str]
) -> dict[str, list[list[Any]]]:
    """Each facet's values with their names and paper counts, in the order a menu shows them."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for doc in docs:
        counts["topic"].update(doc.get("topic", ()))
        if "year" in doc:
            counts["year"][doc["year"]] += 1
        if "org" in doc:
            counts["org"][doc["org"]] += 1
    return {
        "topic": [[t.slug, t.name, counts["topic"][t.slug]] for t in corpus.topics if counts["topic"][t.slug]],
        "year": [[y, y, n] for y, n in sorted(counts["year"].items(), reverse=True)],
        "org": [[s, organisations[s], n] for s, n in sorted(counts["org"].items())],
    }


# --- searching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """A query split into its words and its facet terms."""

    words: tuple[str, ...]
    """The words, as :func:`words` makes them."""
    filters: tuple[tuple[str, str], ...]
    """``(facet, value)`` pairs, the value written as a slug."""


def parse(query: str) -> Parsed:
    """Take ``topic:``/``year:``/``org:`` terms out of a query (values as slugs); the rest are words."""
    filters: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        name = match[1].lower()
        value = facet_value(match[2] if match[2] is not None else match[3])
        if value:
            filters.append(("org" if name == "organisation" else name, value))
        return " "

    rest = _FACET.sub(take, query)
    return Parsed(tuple(words(rest)), tuple(filters))


def _fuzzy_distance(word: str, settings: Mapping[str, float], known: Callable[[str], bool]) -> int:
    """Edits a query word may be off by: none for stop words, short words and words the index holds."""
    if word in _STOP_WORDS or len(word) < settings["fuzzy_from"] or known(stem(word)):
        return 0
    return 2 if len(word) >= settings["fuzzy_two_from"] else 1


def plan(
    query_words: Sequence[str], known: Callable[[str], bool], settings: Mapping[str, float] = QUERY
) -> list[dict[str, Any]]:
    """The lunr clauses of a query's words (the worker builds the same list). ``known``: whether the
    index holds a term; a word it holds is not looked up one or two edits away (a slip of typing is
    a word the collection does not have), which keeps such queries fast and their results on topic."""
    clauses: list[dict[str, Any]] = []
    for word in query_words:
        stemmed = stem(word)
        clauses.append({"term": stemmed, "boost": settings["exact"]})
        if word not in _STOP_WORDS and len(word) >= settings["prefix_from"]:
            clauses.append({"term": word, "boost": settings["prefix"], "wildcard": True})
        distance = _fuzzy_distance(word, settings, known)
        if distance:
            clauses.append({"term": stemmed, "boost": settings["fuzzy"], "edit": distance})
    return clauses


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), or ``limit + 1`` beyond ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before = list(range(len(b) + 1))
    previous: list[int] = []
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous[j - 2] + 1)
        previous, before = before, row
    return before[len(b)]


def matched_words(
    query_words: Sequence[str], keys: Iterable[str], known: Callable[[str], bool], settings: Mapping[str, float] = QUERY
) -> dict[str, bool]:
    """Which of the query's words (stop words aside) a result matched, given the index terms it matched."""
    keys = list(keys)
    out: dict[str, bool] = {}
    for word in query_words:
        if word in _STOP_WORDS:
            continue
        stemmed = stem(word)
        distance = _fuzzy_distance(word, settings, known)
        prefix = word not in _STOP_WORDS and len(word) >= settings["prefix_from"]
        out[word] = out.get(word, False) or any(
            k == stemmed
            or (prefix and k.startswith(word))
            or (distance and edit_distance(k, stemmed, distance) <= distance)
            for k in keys
        )
    return out


@dataclass(frozen=True)
class Hit:
    """One result."""

    location: str
    """Its address relative to the site's root (``papers/<slug>/``)."""
    title: str
    """Its title as plain text."""
    score: float
    """Its score (0 for a query of facet terms alone)."""
    date: str | None
    """A paper's date (``YYYY-MM-DD``), when the listings give one."""


class SearchIndex:
    """The search file loaded for querying, as the worker does in the browser."""

    def __init__(self, site: Mapping[str, Any]) -> None:
        """``site``: ``search/search_index.json`` of a built site (Material's settings in ``config``,
        this module's data in ``config.papers``, the documents in ``docs``)."""
        data = site.get("config", {}).get("papers", {})
        if data.get("format") != FORMAT:
            raise ValueError(f"search data of format {data.get('format')!r}; this version reads format {FORMAT}")
        self.settings: Mapping[str, float] = data["query"]
        self.full_text: bool = data.get("full_text", True)
        self.engine: str = data.get("engine", "lunr")
        self.docs: Sequence[Mapping[str, Any]] = site["docs"]
        self.facets: Mapping[str, list[list[Any]]] = data["facets"]
        self.index = Index.load(data["index"])

    def resolve(self, name: str, value: str) -> list[str]:
        """The facet values a query's value stands for: the one whose slug or name is ``value``
        (written as a slug), else those whose slug or name starts with it."""
        known = [(str(v[0]), facet_value(str(v[1]))) for v in self.facets.get(name, [])]
        exact = [slug for slug, label in known if value in (slug, label)]
        return exact or [slug for slug, label in known if slug.startswith(value) or label.startswith(value)]

    def _passes(self, doc: Mapping[str, Any], filters: Sequence[tuple[str, list[str]]]) -> bool:
        for name, allowed in filters:
            have = doc.get(name)
            values = have if isinstance(have, list) else [have] if have else []
            if not any(v in allowed for v in values):
                return False
        return True

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """Ranked results of a query typed in the search box (facet terms included)."""
        parsed = parse(query)
        filters = [(name, self.resolve(name, value)) for name, value in parsed.filters]
        found: list[tuple[float, int]] = []
        if parsed.words:
            known = self.index.inverted_index.__contains__
            clauses = plan(parsed.words, known, self.settings)
            q = self.index.create_query()
            for c in clauses:
                q.term(
                    c["term"],
                    use_pipeline=False,
                    boost=c["boost"],
                    wildcard=Query.WILDCARD_TRAILING if c.get("wildcard") else Query.WILDCARD_NONE,
                    edit_distance=c.get("edit", 0),
                )
            for result in self.index.query(q):
                ref = int(result["ref"])
                matched = matched_words(parsed.words, result["match_data"].metadata.keys(), known, self.settings)
                coverage = sum(matched.values()) / max(len(matched), 1)
                found.append((result["score"] * (1 + coverage**2), ref))
        elif filters:
            found = [(0.0, ref) for ref in range(len(self.docs))]
        if filters:
            found = [(s, ref) for s, ref in found if self._passes(self.docs[ref], filters)]
        found.sort(key=lambda f: (-f[0], f[1]))
        hits = [
            Hit(
                location=self.docs[ref]["location"],
                title=html.unescape(self.docs[ref]["title"]),
                score=score,
                date=self.docs[ref].get("date"),
            )
            for score, ref in found
        ]
        return hits[:limit] if limit is not None else hits
