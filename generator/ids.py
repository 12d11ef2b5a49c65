"""Identity keys and slugs: the one place that decides what is the same paper and where it lives.

Two entries are one paper when their titles share an identity key and their abstracts are one work
(``same_work``): copies of one paper carry the same abstract, or one cut short. Titles that match but
whose abstracts clearly differ are different papers; one keeps the title's slug and the others get
``variant_slug``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from .model import Slug

MAX_SLUG = 80
"""Slugs longer than this are cut at a word boundary and given a hash suffix."""

SAME_WORK_SHARE = 0.6
"""Two abstracts are one work when the shorter's distinct words are at least this share in the other.

Measured on 9,877 real Hugging Face Daily Papers: 20,000 random pairs of different papers share
21 % of the shorter's words on average, 37 % at the 99.9th percentile and 43 % at most; of all 48.8
million pairs, 24 share 60 % or more (a paper listed with a sibling's abstract, very short abstracts).
Copies of one paper share 100 %.
"""

SAME_WORK_WORDS = 20
"""An abstract with fewer distinct words says too little to tell works apart: it is the same work."""

VARIANT_WORDS = 30
"""The first words of an abstract that a variant's slug hash is made of (copies of a paper share them)."""

_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def identity_key(title: str) -> str:
    """The key two titles share exactly when they name the same paper.

    Case, spacing, punctuation and Unicode form do not count: ``"GPTQ:  Accurate"`` and
    ``"gptq accurate"`` are the same paper.
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NON_WORD.sub(" ", text).strip()


def _ascii_fold(text: str) -> str:
    if text.isascii():  # most titles: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def slugify(text: str, max_length: int = MAX_SLUG) -> Slug:
    """A URL segment for any text: ASCII letters, digits and hyphens, never empty.

    The result depends on the text alone, so adding other papers never moves a URL. Where ASCII
    folding drops letters (Greek, CJK...) or the slug is cut to ``max_length``, a hash of the full
    text is appended, which keeps distinct texts apart.
    """
    key = identity_key(text)
    folded = _ascii_fold(key).lower()
    slug = _NON_SLUG.sub("-", folded).strip("-")
    lossy = _NON_SLUG.sub("", folded) != _NON_WORD.sub("", key).replace(" ", "")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
        lossy = True
    if lossy or not slug or slug == "index":  # index.md is a folder's own page
        slug = f"{slug}-{_short_hash(key)}" if slug else _short_hash(key)
    return Slug(slug)


def _abstract_sequence(abstract: str) -> list[str]:
    """The words of an abstract in order, case and Unicode form folded as in ``identity_key``."""
    return _WORD.findall(unicodedata.normalize("NFKC", abstract).casefold())


def abstract_words(abstract: str) -> frozenset[str]:
    """The distinct words of an abstract, case and Unicode form folded."""
    return frozenset(_abstract_sequence(abstract))


def _truncation(short: list[str], long: list[str]) -> bool:
    """Whether ``short`` is ``long`` cut off, maybe inside its last word (``... large langu…``)."""
    if not short or len(short) > len(long):
        return False
    *head, last = short
    return long[: len(head)] == head and long[len(head)].startswith(last)


def same_work(a: str, b: str) -> bool:
    """Whether two abstracts under one title are copies of one paper, not two different papers.

    They are when one is the other cut short, when the one with fewer distinct words has fewer than
    ``SAME_WORK_WORDS`` (too little to tell), or when the other holds at least ``SAME_WORK_SHARE`` of
    its distinct words.
    """
    if a == b:
        return True
    first, second = _abstract_sequence(a), _abstract_sequence(b)
    if _truncation(first, second) or _truncation(second, first):
        return True
    few, many = sorted((set(first), set(second)), key=len)
    return len(few) < SAME_WORK_WORDS or len(few & many) >= SAME_WORK_SHARE * len(few)


def works(abstracts: Iterable[str]) -> list[list[str]]:
    """The distinct abstracts under one title grouped into works (each sorted), whatever their order.

    Abstracts with ``SAME_WORK_WORDS`` distinct words or more are linked by ``same_work``. One with
    fewer is too short to tell, so it links no two works: it joins the work holding most of its words
    (a truncated copy joins the work it was cut from).
    """
    distinct = sorted(set(abstracts))
    words = {a: abstract_words(a) for a in distinct}
    telling = [a for a in distinct if len(words[a]) >= SAME_WORK_WORDS]
    parent = {a: a for a in telling}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, a in enumerate(telling):
        for b in telling[i + 1 :]:
            if root(a) != root(b) and same_work(a, b):
                parent[max(root(a), root(b))] = min(root(a), root(b))
    grouped: dict[str, list[str]] = {}
    for a in telling:
        grouped.setdefault(root(a), []).append(a)
    found = list(grouped.values())
    if not found:
        return [distinct] if distinct else []
    vocabulary = [frozenset().union(*(words[a] for a in work)) for work in found]
    for a in distinct:
        if a not in parent:
            best = max(range(len(found)), key=lambda i: (len(words[a] & vocabulary[i]), -i))
            found[best].append(a)
    return [sorted(work) for work in found]


def variant_hash(abstract: str, words: int | None = VARIANT_WORDS) -> str:
    """A short hash of an abstract's first words (all of them with ``words=None``)."""
    return _short_hash(" ".join(_abstract_sequence(abstract)[:words]))


def variant_slug(title: str, abstract: str, words: int | None = VARIANT_WORDS) -> Slug:
    """The slug of a paper whose title another, different paper holds too: the title's slug and a hash
    of the start of its abstract, so it depends on neither the other papers nor their order."""
    return Slug(f"{slugify(title)}-{variant_hash(abstract, words)}")
