"""The site's search, the same in the browser and in the terminal.

The generator builds one lunr index of the papers, topics and organisations (PyPI ``lunr``, the
Python port of lunr.js) and writes it, with what a result shows and the facet values, to
``docs/search/index.json`` (the search file, in a compact layout: :data:`DOCS`,
:func:`compact_index`). The MkDocs hook copies it into each site (:data:`SITE_DATA`) and names it
in the settings Material's search dialog loads and hands to the site's search worker
(``generator/search_worker.js``, :data:`SITE_SETTINGS`); the worker then loads the file itself and
builds the index with lunr.js instead of indexing in the browser. ``python -m generator search``
loads the same file from the built site (:func:`open_site`). Past :data:`LUNR_LIMIT` papers the
hosted site's box asks Pagefind instead (:func:`choose_engine`).

Both sides read text the same way (:func:`fold`, :func:`words`: ``Σ`` is a word, ``D²GS`` is
``d2gs``, ``ＧＰＴ`` is ``gpt``, ``café`` is ``cafe``) and turn a query into the same lunr clauses
(:func:`plan`), with the settings written into the file (:data:`QUERY`), so they rank alike:

- every word matches its stem exactly (boost 10), from three letters the start of a longer word
  (boost 1: the query is typed a letter at a time), and, from five letters, when the index lacks
  the word, words one edit away (two from nine letters; boost 0.1: typing slips). Stop words ("a",
  "of") count only when typed whole and are never reported missing;
- ``topic:``, ``year:`` and ``org:`` terms narrow the results to papers with that topic (or a
  narrower one), year or organisation; alone they list those papers, newest first;
- a result's score is lunr's, times ``1 + coverage²`` (coverage: the share of the query's words it
  matches), so a paper holding every word of a pasted title comes first;
- the work of one query is bounded (the last five settings of :data:`QUERY`): a pasted paragraph,
  address or 2,000 × ``a`` answers in a fraction of a second.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from lunr.index import Index  # type: ignore[import-untyped]
from lunr.query import Query  # type: ignore[import-untyped]
from lunr.stop_word_filter import WORDS  # type: ignore[import-untyped]

from . import progress
from .errors import UserError
from .model import Corpus, Paper, Slug, Topic, newest_first, with_broader
from .stemmer import stem

INDEX_FILE = "search/index.json"
"""Where the generator writes the search data, under docs/ (the hook moves it into the sites)."""

FORMAT = 2
"""Version of the file's layout; the worker and the terminal refuse another."""

DOCS = ("location", "title", "text", "topics", "date", "org")
"""The search file's result documents, as columns (one list per name, one entry per document, the
lunr ref being its position): ``location``, the page's address without its ending (the site adds
``/`` or ``.html``); ``title`` and ``text`` (the abstract's start, or ``""``), HTML-escaped;
``topics``, the number of the paper's row in ``topic_sets`` (-1 for other pages), each row holding
the numbers in ``facets.topic`` of the paper's topics (the tags its result shows) and of those and
their broader topics (what ``topic:`` matches); ``date`` (``YYYY-MM-DD`` or ``""``); ``org``, the
number of the organisation in ``facets.org`` (-1 for none)."""

SITE_SETTINGS = "search/search_index.json"
"""Where a built site has Material's search settings, with this module's in ``config.papers``
(the MkDocs hook writes them): ``format``, ``engine``, ``data`` (the file below, when lunr
answers), ``suffix``, ``site_url`` and the facet values (for Pagefind's worker; the lunr worker, like
the terminal, reads the query settings and facets from the search file). Material's page loads this file (as ``search_index.js`` from
``file://``) and hands it to the worker, which then loads the search file itself."""

SITE_DATA = {"hosted": "search/lunr_index.json", "offline": "search/lunr_index.js"}
"""Where a built site has the search file: as JSON for the worker to fetch over http, and from
``file://`` (where browsers refuse fetches) as a script the worker runs, setting :data:`SCRIPT_VARIABLE`."""

SCRIPT_VARIABLE = "__lunr_index"
"""The global variable the offline site's search script sets to the search file's data."""

FIELDS = {"title": 10, "tags": 3, "text": 1}
"""Indexed fields and their boosts: a word of the title counts most, then a topic name, then the abstract."""

QUERY = {
    "exact": 10,
    "prefix": 1,
    "fuzzy": 0.1,
    "prefix_from": 3,
    "fuzzy_from": 5,
    "fuzzy_two_from": 9,
    "words_max": 32,
    "word_length_max": 64,
    "fuzzy_length_max": 16,
    "fuzzy_words_max": 4,
    "prefix_terms_max": 2_000,
}
"""How a query word becomes clauses (see the module's description); written into the file for the
worker. The last five bound the work of one query, whatever is typed or pasted (:func:`parse`,
:func:`plan`): lunr's fuzzy expansion grows with a word's length to the third power and more (a
128-character word took 26 s and 1.9 GB), and every prefix reaches the index terms that start with it.

- ``words_max``: words searched; the query's later words are left out;
- ``word_length_max``: a longer word is cut to this many UTF-16 code units (its prefix still finds
  a longer index term, such as an address);
- ``fuzzy_length_max``: a longer word is not looked up with edits;
- ``fuzzy_words_max``: words of a query looked up with edits (its first ones);
- ``prefix_terms_max``: index terms the prefix clauses of a query may reach together; a word whose
  prefix would pass it is matched whole only."""

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


SPACES = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
"""What separates words, as a regular expression's character class (the worker has a copy): every
character Python's ``str.isspace`` or JavaScript's ``\\s`` calls a space, line or paragraph
separator, so that no engine's idea of a space decides where a word ends."""

DASHES = r"\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
"""Dashes, which split words as spaces do (``PixArt–Σ`` is ``PixArt-Σ``), as a character class (the worker has a copy)."""

_SEPARATOR = re.compile(f"[{SPACES}{DASHES}]+")
_TRIM = re.compile(r"^\W+|\W+$", re.ASCII)
_COMBINING = re.compile("[\u0300-\u036f]+")
_BRITISH = re.compile(r"isation(s?)$")
_FACET = re.compile(
    f'(?:^|[{SPACES}])(topic|year|org|organisation):(?:"([^"]*)"|([^{SPACES}]*))',
    re.IGNORECASE | re.ASCII,
)
"""A facet term; letter case in the ASCII sense, as the worker's regular expression reads it."""
_STOP_WORDS = frozenset(WORDS)
_WORD_CATEGORIES = frozenset("LNM")
"""Unicode categories (first letter) of characters a word keeps at its ends: letters, numbers, marks."""


# --- text -------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """A text as the index and a query compare it (the worker's ``fold`` is the same): compatibility
    forms as their plain letters (NFKC: ``²`` → ``2``, ``ＧＰＴ`` → ``GPT``), lower case, accents
    dropped (``café`` → ``cafe``), final sigma as ``σ``, and no ``^`` (``D^2GS`` → ``d2gs``)."""
    if text.isascii():
        return text.lower().replace("^", "") if "^" in text else text.lower()
    text = unicodedata.normalize("NFKC", text).lower()
    text = unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))
    return text.replace("\u03c2", "\u03c3").replace("^", "")


def words(text: str) -> list[str]:
    """A text's words: folded (:func:`fold`), split at spaces and dashes, characters other than
    letters, numbers, marks and ``_`` stripped from both ends; "-isation" spelt "-ization", so
    either spelling finds both. Letters of any script make words (``Σ``); a run of CJK is one word."""
    return [w for w in map(_word, _SEPARATOR.split(fold(text))) if w]


def _trim(piece: str) -> str:
    """``piece`` without characters other than letters, numbers, marks and ``_`` at its ends."""
    if piece.isascii():
        return _TRIM.sub("", piece)
    start, end = 0, len(piece)
    while start < end and not _keeps(piece[start]):
        start += 1
    while end > start and not _keeps(piece[end - 1]):
        end -= 1
    return piece[start:end]


def _keeps(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in _WORD_CATEGORIES


@functools.lru_cache(maxsize=1 << 18)
def _word(piece: str) -> str:
    if not (piece.isascii() and piece.isalnum()):
        piece = _trim(piece)
    if piece.endswith(("isation", "isations")):
        piece = _BRITISH.sub(r"ization\1", piece)
    return piece


@functools.lru_cache(maxsize=1 << 18)
def _term(piece: str) -> str:
    """The index term of a piece of text between separators ("" for none: empty or a stop word)."""
    word = _word(piece)
    return "" if word in _STOP_WORDS else stem(word)


def index_terms(text: str) -> list[str]:
    """What lunr.js's default pipeline (trimmer, stop words, stemmer) makes of a text, folded as :func:`words`."""
    return [t for t in map(_term, _SEPARATOR.split(fold(text))) if t]


def compatibility_words(text: str) -> list[str]:
    """The words of a text that :func:`words` changes (``D²GS`` → ``d2gs``, ``café`` → ``cafe``,
    ``quantisation`` → ``quantization``), sorted: what a Pagefind page holds, hidden, so that
    Pagefind, which does not fold and is asked the folded words, finds what lunr finds."""
    if text.isascii() and "^" not in text and "isation" not in text.lower():
        return []
    plain = {_trim(piece) for piece in _SEPARATOR.split(text.lower())}
    return sorted(set(words(text)) - plain)


def facet_value(value: str) -> str:
    """A facet value as written in a query, in the form of a slug: ``"Mixture of experts"`` → ``mixture-of-experts``."""
    return re.sub(r"[^0-9a-z]+", "-", value.lower()).strip("-")


# --- building ---------------------------------------------------------------------------------------


def _snippet(text: str) -> str:
    if len(text) <= SNIPPET:
        return text
    return text[:SNIPPET].rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class _TopicFacts:
    """What a paper's search document and index hold of its topics (the same for every paper with them)."""

    assigned: tuple[Slug, ...]
    """The paper's topics, in its order: the tags its result shows."""
    slugs: tuple[Slug, ...]
    """The topics and the broader ones they are part of: what ``topic:`` matches."""
    terms: tuple[str, ...]
    """The index terms of the topic names."""


def _topic_facts(topics: Sequence[Topic], all_topics: Mapping[Slug, Topic]) -> _TopicFacts:
    return _TopicFacts(
        assigned=tuple(t.slug for t in topics),
        slugs=tuple(t.slug for t in with_broader(topics, all_topics)),
        terms=tuple(index_terms(" ".join(t.name for t in topics))),
    )


@dataclass
class _Columns:
    """The result documents as :data:`DOCS` describes them, filled one document at a time."""

    location: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    org: list[int] = field(default_factory=list)

    def add(self, location: str, title: str, text: str = "", topics: int = -1, date: str = "", org: int = -1) -> None:
        self.location.append(location)
        self.title.append(html.escape(title))
        self.text.append(html.escape(text))
        self.topics.append(topics)
        self.date.append(date)
        self.org.append(org)


def build(corpus: Corpus, engine: str = "lunr") -> bytes:
    """The search file: query settings, facet values, the result documents and the lunr index (in
    the compact layout of :data:`DOCS` and :func:`compact_index`), and ``engine``, the hosted site's
    engine (:func:`choose_engine`); for Pagefind, ``compat``: ``[document number, words]`` of the
    papers whose words folding changes (:func:`compatibility_words`), which their pages hold hidden."""
    all_topics = {t.slug: t for t in corpus.topics}
    full_text = len(corpus.papers) <= LUNR_LIMIT
    organisations: dict[str, str] = {}
    for paper in corpus.papers:
        if paper.organisation:
            organisations.setdefault(paper.organisation.slug, paper.organisation.name)
    # Papers newest first: a query of facets alone lists them in this order.
    papers = newest_first(corpus.papers)
    known: dict[tuple[Slug, ...], _TopicFacts] = {}
    facts = []
    for paper in papers:
        assigned = corpus.paper_topics[paper.slug]
        found = known.get(assigned)
        if found is None:
            found = known[assigned] = _topic_facts([all_topics[s] for s in assigned], all_topics)
        facts.append(found)
    facets = _facets(corpus, papers, facts, organisations)
    topic_number = {row[0]: n for n, row in enumerate(facets["topic"])}
    org_number = {row[0]: n for n, row in enumerate(facets["org"])}
    topic_sets: dict[_TopicFacts, int] = {}

    docs = _Columns()
    fields: list[dict[str, list[str]]] = []
    for paper, found in zip(papers, facts, strict=True):
        docs.add(
            f"papers/{paper.slug}",
            paper.title,
            _snippet(paper.abstract) if full_text else "",
            topic_sets.setdefault(found, len(topic_sets)),
            paper.date.isoformat() if paper.date else "",
            org_number[paper.organisation.slug] if paper.organisation else -1,
        )
        fields.append(
            {
                "title": index_terms(paper.title),
                "tags": list(found.terms),
                "text": index_terms(paper.abstract) if full_text else [],
            }
        )
        progress.advance()
    # Pagefind tokenises pages on its own: a paper's page holds, hidden, the words folding changes.
    compat = [
        [ref, " ".join(found)]
        for ref, paper in enumerate(papers)
        if engine == "pagefind"
        for found in [compatibility_words(f"{paper.title} {paper.abstract}")]
        if found
    ]
    for topic in corpus.topics:
        docs.add(f"topics/{topic.slug}", f"Topic: {topic.name}", topic.description)
        fields.append(
            {"title": index_terms(topic.name), "tags": index_terms(topic.name), "text": index_terms(topic.description)}
        )
    for slug, name in sorted(organisations.items()):
        docs.add(f"organisations/{slug}", f"Organisation: {name}")
        fields.append({"title": index_terms(name), "tags": [], "text": []})

    data = {
        "format": FORMAT,
        "engine": engine,
        "full_text": full_text,
        "query": QUERY,
        "facets": facets,
        "topic_sets": [[[topic_number[s] for s in f.assigned], [topic_number[s] for s in f.slugs]] for f in topic_sets],
        "docs": dataclasses.asdict(docs),
        "index": compact_index(lunr_index(fields)),
    }
    if engine == "pagefind":
        data["compat"] = compat
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


def compact_index(index: Mapping[str, Any]) -> dict[str, Any]:
    """A serialised lunr index (:func:`lunr_index`) without what :func:`expand_index` rebuilds:
    the postings (which documents hold a term in a field) are the field vectors read the other way,
    and a vector's name is its field and position. About half the bytes, and what a browser parses
    fastest: arrays of numbers and strings.

    - ``terms``: the index terms, sorted (lunr's token set is built from them in this order);
    - ``term_index``: each term's number in lunr's vectors (``_index``, the order the builder met it);
    - ``vectors``: for each field, for each document (by position), lunr's vector elements
      ``[term number, score, ...]`` (empty when the field holds no term).
    """
    fields = list(index["fields"])
    vectors: dict[str, list[list[float]]] = {name: [] for name in fields}
    for key, elements in index["fieldVectors"]:
        name, ref = key.split("/", 1)
        if int(ref) != len(vectors[name]):
            raise ValueError(f"field vector {key} out of order")
        vectors[name].append(elements)
    terms = [term for term, _ in index["invertedIndex"]]
    return {
        "version": index["version"],
        "fields": fields,
        "pipeline": index["pipeline"],
        "terms": terms,
        "term_index": [posting["_index"] for _, posting in index["invertedIndex"]],
        "vectors": vectors,
    }


def expand_index(compact: Mapping[str, Any]) -> dict[str, Any]:
    """The serialised lunr index a :func:`compact_index` came from (the worker does the same in JavaScript)."""
    fields: list[str] = compact["fields"]
    numbers: list[int] = compact["term_index"]
    postings: list[dict[str, Any]] = [{name: {} for name in fields} for _ in numbers]
    for posting, number in zip(postings, numbers, strict=True):
        posting["_index"] = number
    by_number = dict(zip(numbers, postings, strict=True))
    no_metadata: dict[str, Any] = {}
    vectors = [compact["vectors"][name] for name in fields]
    field_vectors: list[list[Any]] = []
    # Document by document, field by field, as the builder added them (postings in ascending order).
    for ref in range(len(vectors[0]) if vectors else 0):
        for name, of_field in zip(fields, vectors, strict=True):
            elements = of_field[ref]
            field_vectors.append([f"{name}/{ref}", elements])
            for number in elements[::2]:
                by_number[number][name][str(ref)] = no_metadata
    return {
        "version": compact["version"],
        "fields": fields,
        "fieldVectors": field_vectors,
        "invertedIndex": [[term, posting] for term, posting in zip(compact["terms"], postings, strict=True)],
        "pipeline": compact["pipeline"],
    }


def documents(data: Mapping[str, Any], suffix: str = "/") -> list[dict[str, Any]]:
    """The result documents of the search file, one dictionary each: ``location`` (ending in
    ``suffix``), ``title`` and ``text`` (HTML), and for papers ``tags`` (topic names), ``topic``
    (their slugs and those of broader topics), ``year``, ``date`` and ``org`` when known."""
    columns = data["docs"]
    topics = data["facets"]["topic"]
    orgs = data["facets"]["org"]
    sets = [
        ([html.escape(topics[n][1]) for n in tags], [topics[n][0] for n in closure])
        for tags, closure in data["topic_sets"]
    ]
    docs = []
    for location, title, text, topic_set, date, org in zip(*(columns[name] for name in DOCS), strict=True):
        doc: dict[str, Any] = {"location": location + suffix, "title": title, "text": f"<p>{text}</p>" if text else ""}
        if topic_set >= 0:
            doc["tags"], doc["topic"] = (list(values) for values in sets[topic_set])
        if date:
            doc["year"], doc["date"] = date[:4], date
        if org >= 0:
            doc["org"] = orgs[org][0]
        docs.append(doc)
    return docs


def _facets(
    corpus: Corpus, papers: Sequence[Paper], facts: Sequence[_TopicFacts], organisations: Mapping[str, str]
) -> dict[str, list[list[Any]]]:
    """Each facet's values with their names and paper counts, in the order a menu shows them."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for paper, found in zip(papers, facts, strict=True):
        counts["topic"].update(found.slugs)
        if paper.date:
            counts["year"][str(paper.date.year)] += 1
        if paper.organisation:
            counts["org"][paper.organisation.slug] += 1
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


def parse(query: str, settings: Mapping[str, float] = QUERY) -> Parsed:
    """Take ``topic:``/``year:``/``org:`` terms out of a query (values as slugs); the rest are words,
    at most ``words_max`` of them, each cut to ``word_length_max`` (:data:`QUERY`)."""
    filters: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        name = match[1].lower()
        value = facet_value(match[2] if match[2] is not None else match[3])
        if value:
            filters.append(("org" if name == "organisation" else name, value))
        return " "

    rest = _FACET.sub(take, query)
    searched = words(rest)[: int(settings["words_max"])]
    return Parsed(tuple(_cut(w, int(settings["word_length_max"])) for w in searched), tuple(filters))


def _cut(word: str, limit: int) -> str:
    """``word`` cut to at most ``limit`` UTF-16 code units, never inside a character (the worker's ``cut``)."""
    if _length(word) <= limit:
        return word
    units = 0
    for end, char in enumerate(word):
        units += 2 if char > "\uffff" else 1
        if units > limit:
            return word[:end]
    return word


def searched_words(query: str, settings: Mapping[str, float] = QUERY) -> tuple[int, int]:
    """How many of a query's words are searched (:func:`parse`), and how many it has."""
    parsed, typed = parse(query, settings), words(_FACET.sub(" ", query))
    return len(parsed.words), len(typed)


def _units(text: str) -> str | list[int]:
    """A text as JavaScript sees it, in UTF-16 code units: itself unless it holds a character past
    U+FFFF (which JavaScript counts, and lunr.js edits, as two)."""
    if text.isascii() or max(text) <= "\uffff":
        return text
    return _code_units(text)


def _code_units(text: str) -> list[int]:
    return memoryview(text.encode("utf-16-le")).cast("H").tolist()


def _length(word: str) -> int:
    """A word's length as the worker's ``word.length`` counts it (UTF-16 code units)."""
    return len(_units(word))


def _fuzzy_distance(word: str, settings: Mapping[str, float], known: Callable[[str], bool]) -> int:
    """Edits a query word may be off by: none for stop words, short or long words and words the index holds."""
    length = _length(word)
    if word in _STOP_WORDS or not settings["fuzzy_from"] <= length <= settings["fuzzy_length_max"] or known(stem(word)):
        return 0
    return 2 if length >= settings["fuzzy_two_from"] else 1


def no_terms(prefix: str, limit: int) -> int:
    """A count of index terms starting with ``prefix`` for an index that has none (see :func:`plan`)."""
    return 0


def count_starting(terms: Sequence[str], prefix: str, limit: int) -> int:
    """How many of the sorted ``terms`` start with ``prefix``, counted up to ``limit + 1`` (the
    worker's ``countStarting`` counts the same, one term at a time)."""
    start = bisect.bisect_left(terms, prefix)
    end = start
    while end < len(terms) and end - start <= limit and terms[end].startswith(prefix):
        end += 1
    return end - start


def plan(
    query_words: Sequence[str],
    known: Callable[[str], bool],
    settings: Mapping[str, float] = QUERY,
    starting: Callable[[str, int], int] = no_terms,
) -> list[dict[str, Any]]:
    """The lunr clauses of a query's words (the worker builds the same list), each naming its
    ``word``. ``known``: whether the index holds a term; a word it holds is not looked up one or two
    edits away (a slip of typing is a word the collection does not have), which keeps such queries
    fast and their results on topic. ``starting(prefix, limit)``: how many index terms start with
    ``prefix`` (:func:`count_starting`, up to ``limit + 1``), for the query's budget of prefix terms.
    The work is bounded as :data:`QUERY` says: at most ``fuzzy_words_max`` fuzzy clauses, none for a
    long word, and prefix clauses that reach ``prefix_terms_max`` index terms together at most."""
    clauses: list[dict[str, Any]] = []
    budget = int(settings["prefix_terms_max"])
    fuzzy_left = int(settings["fuzzy_words_max"])
    for word in query_words:
        stemmed = stem(word)
        clauses.append({"term": stemmed, "boost": settings["exact"], "word": word})
        if word not in _STOP_WORDS and _length(word) >= settings["prefix_from"]:
            reached = starting(word, budget)
            if reached <= budget:
                budget -= reached
                clauses.append({"term": word, "boost": settings["prefix"], "wildcard": True, "word": word})
        distance = _fuzzy_distance(word, settings, known) if fuzzy_left else 0
        if distance:
            fuzzy_left -= 1
            clauses.append({"term": stemmed, "boost": settings["fuzzy"], "edit": distance, "word": word})
    return clauses


def edit_distance(text_a: str, text_b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), or ``limit + 1`` beyond
    ``limit``; in UTF-16 code units, as the worker computes it, when either text holds a character
    past U+FFFF."""
    a, b = _units(text_a), _units(text_b)
    if isinstance(a, str) != isinstance(b, str):  # compare like with like
        a, b = _code_units(text_a), _code_units(text_b)
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
    query_words: Sequence[str], keys: Iterable[str], clauses: Sequence[Mapping[str, Any]]
) -> dict[str, bool]:
    """Which of the query's words (stop words aside) a result matched, given the index terms it
    matched and the query's clauses (:func:`plan`): a word matched when a term answers one of its clauses."""
    keys = list(keys)
    out: dict[str, bool] = {}
    for word in query_words:
        if word in _STOP_WORDS:
            continue
        own = [c for c in clauses if c["word"] == word]
        out[word] = out.get(word, False) or any(_answers(c, k) for c in own for k in keys)
    return out


def _answers(clause: Mapping[str, Any], key: str) -> bool:
    """Whether an index term is one a clause reaches."""
    term: str = clause["term"]
    if clause.get("wildcard"):
        return key.startswith(term)
    distance: int = clause.get("edit", 0)
    if distance:
        return edit_distance(key, term, distance) <= distance
    return key == term


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
    paper: bool = True
    """A paper's page (not a topic's or an organisation's)."""


def papers_found(hits: Sequence[Hit]) -> int:
    """How many of the results are papers: what the search box's count line says ("26 matching papers")."""
    return sum(hit.paper for hit in hits)


class SearchIndex:
    """The search file loaded for querying, as the worker does in the browser."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        """``data``: the search file (:func:`build`; a built site's, see :func:`open_site`)."""
        if data.get("format") != FORMAT:
            raise SearchFileError(_other_format(data.get("format")))
        self.settings: Mapping[str, float] = data["query"]
        self.full_text: bool = data["full_text"]
        self.engine: str = data["engine"]
        self.docs: Sequence[Mapping[str, Any]] = documents(data)
        self.facets: Mapping[str, list[list[Any]]] = data["facets"]
        self.terms: Sequence[str] = data["index"]["terms"]
        self.index = Index.load(expand_index(data["index"]))

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
        parsed = parse(query, self.settings)
        filters = [(name, self.resolve(name, value)) for name, value in parsed.filters]
        found: list[tuple[float, int]] = []
        if parsed.words:
            known = self.index.inverted_index.__contains__
            clauses = plan(parsed.words, known, self.settings, functools.partial(count_starting, self.terms))
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
                matched = matched_words(parsed.words, result["match_data"].metadata.keys(), clauses)
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
                paper="topic" in self.docs[ref],
            )
            for score, ref in found
        ]
        return hits[:limit] if limit is not None else hits


# --- the files of a built site ----------------------------------------------------------------------


_LINE_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029"}
"""Characters JSON allows raw in a string and JavaScript before ES2019 does not (they end a line)."""


def as_script(data: str) -> str:
    """The search file (JSON text) as the offline site's script: a string literal handed to
    ``JSON.parse``, which browsers read several times faster than the same data as an object literal.
    U+2028 and U+2029 are written as escapes: raw, they end the literal in older browsers."""
    literal = data.replace("\\", "\\\\").replace("'", "\\'")
    for raw, escaped in _LINE_SEPARATORS.items():
        literal = literal.replace(raw, escaped)
    return f"var {SCRIPT_VARIABLE} = JSON.parse('{literal}')\n"


def from_script(script: str) -> str:
    """The JSON text of an offline site's search script (:func:`as_script`)."""
    head = f"var {SCRIPT_VARIABLE} = JSON.parse('"
    if not script.startswith(head) or not script.rstrip().endswith("')"):
        raise ValueError("not a search script of this version")
    literal = script[len(head) : script.rstrip().rindex("')")]
    return re.sub(r"\\(u202[89]|.)", lambda m: chr(int(m[1][1:], 16)) if len(m[1]) > 1 else m[1], literal)


class SearchFileError(UserError):
    """A built site's search settings or search file that is missing, damaged or of another version."""


REBUILD = "build the site again with `python -m generator build`"
"""What to do about a search file that cannot be read."""


@dataclass(frozen=True)
class SiteSearch:
    """A built site's search, opened for the terminal."""

    index: SearchIndex
    """The search file, loaded."""
    source: Path
    """The file it was read from."""
    site_url: str
    """The address the site is published at (``""`` when not configured)."""
    note: str | None
    """Why ``source`` is not in the site asked for (its search box asks Pagefind), if so."""


def open_site(site: Path) -> SiteSearch:
    """Load a built site's search file as its search box does; for a site whose search box asks
    Pagefind, the offline build's beside it (``site-offline/`` next to ``site/``), which has the
    same papers. Raises :class:`SearchFileError`, naming the file, for a missing folder or file
    and for one that is damaged or of another version."""
    if site.exists() and not site.is_dir():
        raise SearchFileError("not a folder: name the built site's folder (such as site/)", str(site))
    settings_file = site / SITE_SETTINGS
    settings = _settings(settings_file)
    site_url = settings["site_url"]
    note = None
    if settings["engine"] == "pagefind":
        # Resolved first: the folder of `--site .` has a name only once resolved.
        hosted = site.resolve()
        offline = hosted.parent / f"{hosted.name}-offline"
        note = f"{site}/ is searched with Pagefind in the browser; searching {offline / SITE_DATA['offline']}"
        site, settings_file = offline, offline / SITE_SETTINGS
        settings = _settings(settings_file)
    if not settings["data"]:
        raise SearchFileError(f"the search settings name no search file: {REBUILD}", str(settings_file))
    source = site / settings["data"].split("?", 1)[0]
    text = _read(source)
    try:
        data = json.loads(from_script(text) if source.suffix == ".js" else text)
    except ValueError as error:
        raise SearchFileError(f"not valid JSON ({error}): {REBUILD}", str(source)) from None
    try:
        check(data)
        index = SearchIndex(data)
    except SearchFileError as error:
        raise SearchFileError(error.message, str(source)) from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        reason = f"{type(error).__name__}: {error}"
        raise SearchFileError(f"not a search file this version reads ({reason}): {REBUILD}", str(source)) from None
    return SiteSearch(index, source, site_url, note)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SearchFileError("not found: build the site first with `python -m generator build`", str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SearchFileError(f"cannot be read ({reason}): {REBUILD}", str(path)) from None


def _settings(path: Path) -> dict[str, Any]:
    """The generator's part of a built site's search settings (``config.papers``), checked."""
    try:
        loaded = json.loads(_read(path))
    except ValueError as error:
        raise SearchFileError(f"not valid JSON ({error}): {REBUILD}", str(path)) from None
    config = loaded.get("config") if isinstance(loaded, dict) else None
    settings = config.get("papers") if isinstance(config, dict) else None
    if not isinstance(settings, dict):
        raise SearchFileError(f"holds no search settings of this generator: {REBUILD}", str(path))
    if settings.get("format") != FORMAT:
        raise SearchFileError(_other_format(settings.get("format")), str(path))
    engine, data, site_url = settings.get("engine"), settings.get("data", ""), settings.get("site_url", "")
    if engine not in ENGINES or not isinstance(data, str) or not isinstance(site_url, str):
        raise SearchFileError(f"search settings of an unknown shape: {REBUILD}", str(path))
    return {**settings, "data": data, "site_url": site_url}


def _other_format(found: object) -> str:
    return f"search data of format {found!r}; this version reads format {FORMAT}: {REBUILD}"


def check(data: Any) -> None:
    """Raise :class:`SearchFileError` unless ``data`` has the layout :func:`build` writes: the
    one place that checks what :class:`SearchIndex` and the worker index into (every column as
    long as the others, every number naming an entry that exists)."""

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise SearchFileError(f"not a search file this version reads ({what}): {REBUILD}")

    def numbers(values: Any, low: int, high: int) -> bool:
        return isinstance(values, list) and all(type(v) is int and low <= v < high for v in values)

    need(isinstance(data, dict), "not a JSON object")
    if data.get("format") != FORMAT:
        raise SearchFileError(_other_format(data.get("format")))
    query, facets, sets, docs, index = (data.get(k) for k in ("query", "facets", "topic_sets", "docs", "index"))
    need(isinstance(data.get("full_text"), bool) and data.get("engine") in ENGINES, "no engine or full_text")
    need(
        isinstance(query, dict) and all(isinstance(query.get(k), int | float) for k in QUERY),
        "no query settings",
    )
    need(
        isinstance(facets, dict)
        and all(
            isinstance(facets.get(name), list) and all(isinstance(row, list) and len(row) == 3 for row in facets[name])
            for name in FACETS
        ),
        "no facet values",
    )
    topics, orgs = len(facets["topic"]), len(facets["org"])
    need(
        isinstance(sets, list)
        and all(isinstance(s, list) and len(s) == 2 and all(numbers(n, 0, topics) for n in s) for s in sets),
        "a topic set names a topic that is not there",
    )
    need(isinstance(docs, dict) and all(isinstance(docs.get(name), list) for name in DOCS), "no documents")
    count = len(docs["location"])
    need(all(len(docs[name]) == count for name in DOCS), "document columns of different lengths")
    need(
        all(isinstance(docs[name], list) and all(isinstance(v, str) for v in docs[name]) for name in DOCS[:3])
        and all(isinstance(v, str) for v in docs["date"]),
        "a document's address, title, text or date is not text",
    )
    need(numbers(docs["topics"], -1, len(sets)), "a document names a topic set that is not there")
    need(numbers(docs["org"], -1, orgs), "a document names an organisation that is not there")
    need(isinstance(index, dict), "no index")
    terms, term_index, vectors = index.get("terms"), index.get("term_index"), index.get("vectors")
    need(index.get("fields") == list(FIELDS) and isinstance(vectors, dict), "an index of other fields")
    need(isinstance(terms, list) and all(isinstance(t, str) for t in terms), "no index terms")
    need(
        numbers(term_index, 0, len(terms)) and len(set(term_index)) == len(terms),
        "index term numbers that are not one per term",
    )
    for name in FIELDS:
        of_field = vectors.get(name)
        need(isinstance(of_field, list) and len(of_field) == count, f"no {name} vector for every document")
        for elements in of_field:
            need(
                isinstance(elements, list)
                and len(elements) % 2 == 0
                and numbers(elements[::2], 0, len(terms))
                and all(isinstance(v, int | float) for v in elements[1::2]),
                f"a {name} vector names a term that is not there",
            )
