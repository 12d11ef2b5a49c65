"""The search file built from a corpus: the result documents, facet values and the lunr index
(in the layout :mod:`.searchfile` describes)."""

from __future__ import annotations

import dataclasses
import html
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import progress
from ..model import Corpus, Paper, Slug, Topic, newest_first, with_broader
from .searchfile import FACETS, FIELDS, FORMAT, LUNR_LIMIT, PIPELINE, QUERY, SNIPPET, compact_index
from .text import compatibility_words, index_terms


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
    # Pagefind tokenises pages on its own: the page of a paper it reads (generator/pagefind_index.py)
    # holds, hidden, the words folding changes.
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
        "pipeline": list(PIPELINE),
    }


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
