"""The search file: where it lives, its layout and its script form, the one description that the
generator (:mod:`.index` writes it), the terminal (:mod:`.site`, :mod:`.query`), the MkDocs hook and
the browser's scripts (``worker.js``, ``overrides/assets/javascripts/search-facets.js``) follow.

Nothing heavy is imported here (no lunr, no numpy): the MkDocs hook reads its names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any, overload

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

PIPELINE = ("stemmer",)
"""lunr's search pipeline the index names (the query's words are stemmed before they reach lunr, see :func:`plan`)."""

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


class Documents(Sequence[dict[str, Any]]):
    """The result documents of the search file, each decoded when asked for (a query shows a few):
    a dictionary each, with ``location`` (ending in ``suffix``), ``title`` and ``text`` (HTML), and
    for papers ``tags`` (topic names), ``topic`` (their slugs and those of broader topics),
    ``year``, ``date`` and ``org`` when known."""

    def __init__(self, data: Mapping[str, Any], suffix: str = "/") -> None:
        self._columns = [data["docs"][name] for name in DOCS]
        self._count = len(self._columns[0])
        if any(len(column) != self._count for column in self._columns):
            raise ValueError("document columns of different lengths")
        topics = data["facets"]["topic"]
        self._orgs = data["facets"]["org"]
        self._sets = [
            ([html.escape(topics[n][1]) for n in tags], [topics[n][0] for n in closure])
            for tags, closure in data["topic_sets"]
        ]
        self._suffix = suffix
        self._made: list[dict[str, Any] | None] = [None] * self._count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, ref: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, ref: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, ref: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(ref, slice):
            return [self[n] for n in range(*ref.indices(self._count))]
        made = self._made[ref]
        if made is not None:
            return made
        location, title, text, topic_set, date, org = (column[ref] for column in self._columns)
        doc: dict[str, Any] = {
            "location": location + self._suffix,
            "title": title,
            "text": f"<p>{text}</p>" if text else "",
        }
        if topic_set >= 0:
            doc["tags"], doc["topic"] = (list(values) for values in self._sets[topic_set])
        if date:
            doc["year"], doc["date"] = date[:4], date
        if org >= 0:
            doc["org"] = self._orgs[org][0]
        self._made[ref] = doc
        return doc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def documents(data: Mapping[str, Any], suffix: str = "/") -> list[dict[str, Any]]:
    """The result documents of the search file, all decoded (:class:`Documents`)."""
    return list(Documents(data, suffix))


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


_ESCAPE = re.compile(r"\\(u202[89]|.)")
"""An escape of the offline script's string literal (:func:`as_script`)."""


def from_script(script: str) -> str:
    """The JSON text of an offline site's search script (:func:`as_script`)."""
    head = f"var {SCRIPT_VARIABLE} = JSON.parse('"
    end = script.rfind("')")
    # Not script.rstrip(): a copy of megabytes (four bytes a character when one is past U+FFFF).
    if not script.startswith(head) or end < len(head) or script[end + 2 :].strip():
        raise ValueError("not a search script of this version")
    literal = script[len(head) : end]
    if "\\" not in literal:
        return literal
    return _ESCAPE.sub(lambda m: chr(int(m[1][1:], 16)) if len(m[1]) > 1 else m[1], literal)


REBUILD = "build the site again with `python -m generator build`"
"""What to do about a search file that cannot be read."""


def other_format(found: object) -> str:
    """Why a search file of another layout version is refused, and what to do."""
    return f"search data of format {found!r}; this version reads format {FORMAT}: {REBUILD}"
