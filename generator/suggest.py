"""Topic suggestions: groups of papers the taxonomy serves poorly, as topics ready to paste into data/topics.yml."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import yaml
from scipy import sparse

from .links import similar_papers
from .model import Paper
from .topics import Taxonomy, assign_topics, closeness, keyword_evidence

POORLY = 1.0
"""A paper is served poorly when it has only the fallback topic, or is less close than this to the
closest topic it got (1: as close as the typical paper its keywords give the topic)."""

GROUP = 25
"""About how many papers each group gathers (at most 60 groups); the largest ``limit`` are suggested."""

MIN_GROUP = 5
"""Groups smaller than this are not suggested."""

EXAMPLES = 5
"""Example papers shown per suggestion."""


@dataclass(frozen=True)
class Suggestion:
    """A candidate topic."""

    name: str
    """A name from the group's weightiest phrase."""
    description: str
    """One sentence from the group's weightiest phrases."""
    keywords: tuple[str, ...]
    """The phrases that set the group apart."""
    examples: tuple[Paper, ...]
    """The papers closest to the group's centre."""
    papers: int
    """How many papers the group holds."""


def suggest(papers: Sequence[Paper], taxonomy: Taxonomy, limit: int = 10) -> tuple[list[Suggestion], int]:
    """Up to ``limit`` suggestions, largest group first, and how many papers are served poorly."""
    from sklearn.cluster import KMeans

    papers = list(papers)
    similarity = similar_papers(papers)
    if similarity.matrix is None:
        return [], 0
    evidence = keyword_evidence(papers, taxonomy)
    close = closeness(evidence, similarity.matrix, similarity.vectorizer.transform, taxonomy)
    assigned = assign_topics(papers, taxonomy, evidence, close)
    column = {t.slug: i for i, t in enumerate(taxonomy.topics)}
    poor = [
        i
        for i, p in enumerate(papers)
        if assigned[p.slug] == (taxonomy.fallback,) or max(close[i, column[t]] for t in assigned[p.slug]) < POORLY
    ]
    if len(poor) < MIN_GROUP:
        return [], len(poor)
    vectors = similarity.matrix[poor]
    groups = max(1, min(60, len(poor) // GROUP))
    labels = KMeans(groups, n_init=3, random_state=0).fit_predict(vectors) if groups > 1 else np.zeros(len(poor), int)
    vocabulary = similarity.vocabulary
    everyone = np.asarray(similarity.matrix.mean(axis=0)).ravel()
    found = []
    for group in range(groups):
        members = np.flatnonzero(labels == group)
        if len(members) < MIN_GROUP:
            continue
        centre = np.asarray(vectors[members].mean(axis=0)).ravel()
        # What sets the group apart: weight in the group against weight in the whole collection.
        distinct = centre - everyone
        order = np.argsort(-distinct, kind="stable")
        # Stop words are dropped before phrases are made ("large language models (LLMs)" leaves
        # "language llms"): a phrase is suggested only as the group's papers write it.
        texts = [f"{papers[poor[i]].title} {papers[poor[i]].abstract}".lower() for i in members]
        phrases = [
            str(vocabulary[j])
            for j in order[:40]
            if " " in vocabulary[j] and any(str(vocabulary[j]) in text for text in texts)
        ][:4]
        words = [str(vocabulary[j]) for j in order[:12] if " " not in vocabulary[j]]
        keywords = tuple(dict.fromkeys(phrases + words))[:8]
        if not keywords:
            continue
        closest = members[
            np.argsort(-(vectors[members] @ sparse.csr_matrix(centre).T).toarray().ravel(), kind="stable")
        ]
        examples = tuple(papers[poor[i]] for i in closest[:EXAMPLES])
        lead = keywords[0]
        named = ", ".join(keywords[1:3])
        found.append(
            Suggestion(
                name=lead[:1].upper() + lead[1:],
                description=f"Papers on {lead}{f', {named}' if named else ''} and related work.",
                keywords=keywords,
                examples=examples,
                papers=len(members),
            )
        )
    found.sort(key=lambda s: (-s.papers, s.name))
    return found[:limit], len(poor)


def as_yaml(suggestions: Sequence[Suggestion]) -> str:
    """The suggestions as topics of data/topics.yml, each with its example papers as comments."""
    out = []
    for s in suggestions:
        entry = {"name": s.name, "description": s.description, "keywords": list(s.keywords)}
        text = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
        out.append(f"# {s.papers} papers served poorly; examples:")
        out += [f"#   {p.title} (papers/{p.slug}/)" for p in s.examples]
        out.append(text.rstrip("\n"))
        out.append("")
    return "\n".join(out)
