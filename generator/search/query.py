"""A query answered as the search box answers it: parsed (:func:`parse`), turned into lunr
clauses with bounded work (:func:`plan`) and ranked (:class:`SearchIndex`). The worker
(``worker.js``) does the same step by step. lunr's index of the search file is made only as far
as the queries reach it (:func:`load_index`): ``generator search`` asks one query, and building
the whole index first was most of its time."""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lunr.index import Index  # type: ignore[import-untyped]
from lunr.pipeline import Pipeline  # type: ignore[import-untyped]
from lunr.query import Query  # type: ignore[import-untyped]
from lunr.token_set import TokenSet  # type: ignore[import-untyped]
from lunr.vector import Vector  # type: ignore[import-untyped]

from ..errors import SearchFileError
from .searchfile import FORMAT, QUERY, Documents, other_format
from .stemmer import stem
from .text import SPACES, STOP_WORDS, facet_value, words

_FACET = re.compile(
    f'(?:^|[{SPACES}])(topic|year|org|organisation):(?:"([^"]*)"|([^{SPACES}]*))',
    re.IGNORECASE | re.ASCII,
)
"""A facet term; letter case in the ASCII sense, as the worker's regular expression reads it."""


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
    if word in STOP_WORDS or not settings["fuzzy_from"] <= length <= settings["fuzzy_length_max"] or known(stem(word)):
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
        if word not in STOP_WORDS and _length(word) >= settings["prefix_from"]:
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
    return _Matcher(query_words, clauses)(keys)


class _Matcher:
    """:func:`matched_words` for every result of one query: which words an index term answers is
    worked out once per term, not once per result (a query of common prefixes found 5,510 papers
    at 10,000 and spent 3 s asking again of each)."""

    def __init__(self, query_words: Sequence[str], clauses: Sequence[Mapping[str, Any]]) -> None:
        self._counted = [word for word in dict.fromkeys(query_words) if word not in STOP_WORDS]
        self._clauses = [c for c in clauses if c["word"] not in STOP_WORDS]
        self._answered: dict[str, tuple[str, ...]] = {}

    def __call__(self, keys: Iterable[str]) -> dict[str, bool]:
        """The query's words (stop words aside, each once, in order), each with whether one of ``keys`` answers it."""
        out = dict.fromkeys(self._counted, False)
        for key in keys:
            words = self._answered.get(key)
            if words is None:
                words = self._answered[key] = tuple({c["word"]: None for c in self._clauses if _answers(c, key)})
            for word in words:
                out[word] = True
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


class _TermNode:
    """A node of lunr's token set of the index terms, made when a query first reaches it: the terms
    that start with ``prefix``, ``terms[low:high]`` of the sorted terms.

    ``Index.load`` builds lunr's token set, the minimised automaton of every term, before the first
    answer: most of the start-up of ``generator search`` at 10,000 papers. This trie holds the same
    words with the same edges in the same (sorted) order, and lunr's own ``TokenSet.intersect``
    walks it as it walks lunr's (it never asks whether it met a node before), so it expands a query
    term to the same words in the same order; only the nodes under the prefixes a query reaches are
    made (the worker builds the same trie, whole)."""

    __slots__ = ("_edges", "_high", "_low", "_prefix", "_terms", "final")

    def __init__(self, terms: Sequence[str], prefix: str, low: int, high: int) -> None:
        self._terms, self._prefix, self._low, self._high = terms, prefix, low, high
        self.final: bool = low < high and terms[low] == prefix
        self._edges: dict[str, _TermNode] | None = None

    @property
    def edges(self) -> dict[str, _TermNode]:
        """The next characters of the terms, in order, each with the node of its longer prefix."""
        if self._edges is None:
            terms, prefix, depth, high = self._terms, self._prefix, len(self._prefix), self._high
            edges: dict[str, _TermNode] = {}
            start = self._low + self.final
            while start < high:
                char = terms[start][depth]
                end = (
                    high
                    if char == "\U0010ffff"
                    else bisect.bisect_left(terms, prefix + chr(ord(char) + 1), start, high)
                )
                edges[char] = _TermNode(terms, prefix + char, start, end)
                start = end
            self._edges = edges
        return self._edges

    def intersect(self, other: TokenSet) -> TokenSet:
        """lunr's intersection of the index's token set with a query term's (``TokenSet.intersect``)."""
        return TokenSet.intersect(self, other)


class _Postings(Mapping[str, dict[str, Any]]):
    """lunr's inverted index, read from the field vectors the other way as :func:`expand_index`
    does: a term's posting, ``{field: {ref: {}}, "_index": number}`` with the documents in ascending
    order as lunr's builder adds them, made when a query reaches the term (the documents of every
    term are sorted out of the vectors when the first posting is asked for: a few milliseconds at
    10,000 papers, where lunr's dictionaries of every posting took a tenth of a second)."""

    def __init__(
        self, terms: Sequence[str], numbers: Sequence[int], fields: Sequence[str], vectors: Mapping[str, list[Any]]
    ) -> None:
        self._terms = terms
        self._number = dict(zip(terms, numbers, strict=True))
        self._fields = fields
        self._vectors = vectors
        self._refs: list[list[list[int]]] = []
        self._made: dict[str, dict[str, Any]] = {}

    def __contains__(self, term: object) -> bool:
        return term in self._number

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms)

    def __getitem__(self, term: str) -> dict[str, Any]:
        posting = self._made.get(term)
        if posting is None:
            number = self._number[term]
            if not self._refs:
                self._refs = [self._holding(self._vectors[name]) for name in self._fields]
            no_metadata: dict[str, Any] = {}  # every posting's metadata (lunr copies it, never changes it)
            posting = {
                name: dict.fromkeys(map(str, of_field[number]), no_metadata)
                for name, of_field in zip(self._fields, self._refs, strict=True)
            }
            posting["_index"] = number
            self._made[term] = posting
        return posting

    def _holding(self, vectors: list[list[Any]]) -> list[list[int]]:
        """For each term number, the documents whose vector (of one field) holds it, in ascending order."""
        refs: list[list[int]] = [[] for _ in self._terms]
        for ref, elements in enumerate(vectors):
            for number in elements[::2]:
                refs[number].append(ref)
        return refs


class _FieldVectors(Mapping[str, Vector]):
    """lunr's field vectors (``"title/12"``: the title's of document 12), each made when a query needs it."""

    def __init__(self, fields: Sequence[str], vectors: Mapping[str, list[Any]]) -> None:
        self._fields = fields
        self._vectors = vectors
        self._count = len(vectors[fields[0]]) if fields else 0
        self._made: dict[str, Vector] = {}

    def __len__(self) -> int:
        return self._count * len(self._fields)

    def __iter__(self) -> Iterator[str]:
        return (f"{name}/{ref}" for ref in range(self._count) for name in self._fields)

    def __getitem__(self, key: str) -> Vector:
        vector = self._made.get(key)
        if vector is None:
            name, ref = key.split("/", 1)
            vector = self._made[key] = Vector(self._vectors[name][int(ref)])
        return vector


def load_index(compact: Mapping[str, Any]) -> Index:
    """lunr's index of a search file's compact index (:func:`compact_index`): the one
    ``Index.load(expand_index(compact))`` gives (a test compares their answers), with nothing of it
    built before a query asks for it: the token set, the postings and the field vectors."""
    fields: list[str] = compact["fields"]
    terms: list[str] = compact["terms"]
    vectors = {name: compact["vectors"][name] for name in fields}
    return Index(
        inverted_index=_Postings(terms, compact["term_index"], fields, vectors),
        field_vectors=_FieldVectors(fields, vectors),
        token_set=_TermNode(terms, "", 0, len(terms)),
        fields=fields,
        pipeline=Pipeline.load(compact["pipeline"]),
    )


class SearchIndex:
    """The search file loaded for querying, as the worker does in the browser."""

    def __init__(self, data: Mapping[str, Any], index: Index | None = None) -> None:
        """``data``: the search file (:func:`build`; a built site's, see :func:`open_site`); ``index``:
        lunr's index of it (default :func:`load_index`)."""
        if data.get("format") != FORMAT:
            raise SearchFileError(other_format(data.get("format")))
        self.settings: Mapping[str, float] = data["query"]
        self.full_text: bool = data["full_text"]
        self.engine: str = data["engine"]
        self.docs: Sequence[Mapping[str, Any]] = Documents(data)
        self.facets: Mapping[str, list[list[Any]]] = data["facets"]
        self.terms: Sequence[str] = data["index"]["terms"]
        self.index = load_index(data["index"]) if index is None else index

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
            matcher = _Matcher(parsed.words, clauses)
            for result in self.index.query(q):
                ref = int(result["ref"])
                matched = matcher(result["match_data"].metadata.keys())
                coverage = sum(matched.values()) / max(len(matched), 1)
                found.append((result["score"] * (1 + coverage**2), ref))
        elif filters:
            found = [(0.0, ref) for ref in range(len(self.docs))]
        if filters:
            found = [(s, ref) for s, ref in found if self._passes(self.docs[ref], filters)]
        found.sort(key=lambda f: (-f[0], f[1]))
        hits = [
            Hit(
                location=doc["location"],
                title=html.unescape(doc["title"]),
                score=score,
                date=doc.get("date"),
                paper="topic" in doc,
            )
            for score, ref in found
            for doc in [self.docs[ref]]
        ]
        return hits[:limit] if limit is not None else hits
