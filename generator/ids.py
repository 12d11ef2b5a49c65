"""Identity keys and slugs: the one place that decides what is the same paper and where it lives.

Two entries are one paper when their titles share an identity key and their abstracts are one work
(``same_work``): copies of one paper carry the same abstract, or one cut short. Titles that match but
whose abstracts clearly differ are different papers; one keeps the title's slug and the others get
``variant_slug``. Symbols count for identity (``C++`` is not ``C#``); a title without letters or
digits names nothing, so its abstract is part of the key (``paper_key``). Slug assignment is total:
papers (and organisations) that ask for one slug get distinct ones (``distinct_slugs``,
``organisation_slugs``), decided by the set of them, never by their order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .model import Paper, Slug

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
_TOKEN = re.compile(r"[^\W_]+|[#$%&*+<=>@|]|[^\x00-\x7f\w\s]")
"""A word, an ASCII symbol that tells titles apart (``C++``, ``C#``, ``Q&A``, ``A*``) or any other
non-ASCII character that is neither a letter, a digit nor a space (``_SYMBOLS`` decides)."""
_SYMBOLS = frozenset(("Sm", "Sc", "So"))
"""The Unicode categories of the non-ASCII characters that count for identity: mathematical,
currency and other symbols (``∇``, ``€``, ``°``, emoji); punctuation (dashes, quotes) does not."""


def identity_key(title: str) -> str:
    """The key two titles share exactly when they name the same paper.

    Case, spacing, punctuation and Unicode form do not count: ``"GPTQ:  Accurate"`` and
    ``"gptq accurate"`` are the same paper. Symbols do: ``C++`` and ``C#`` are different languages.
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    tokens = _TOKEN.findall(text)
    if text.isascii():  # most titles: every token counts
        return " ".join(tokens)
    return " ".join(t for t in tokens if t.isascii() or t[0].isalnum() or unicodedata.category(t) in _SYMBOLS)


def _word_key(text: str) -> str:
    """The words of a text, case and Unicode form folded: what a slug spells (symbols aside)."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def named(title: str) -> bool:
    """Whether a title holds a letter or a digit: a title of punctuation or emoji names no paper."""
    return _WORD.search(title) is not None


def paper_key(title: str, abstract: str) -> str:
    """What entries are grouped by: the title's ``identity_key``, and for a title that names nothing
    (``named``) the abstract's words as well, so two such papers are one only when their abstracts match."""
    key = identity_key(title)
    return key if named(title) else f"{key}\n{' '.join(_abstract_sequence(abstract))}"


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
    folding drops letters (Greek, CJK...) or the slug is cut to ``max_length``, a hash of the text's
    words is appended, which keeps distinct texts apart; a text without letters or digits is the hash
    of its symbols. Texts that differ only in symbols (``C++``, ``C#``) have one slug:
    ``distinct_slugs`` tells them apart.
    """
    key = _word_key(text)
    folded = _ascii_fold(key).lower()
    slug = _NON_SLUG.sub("-", folded).strip("-")
    lossy = _NON_SLUG.sub("", folded) != _NON_WORD.sub("", key).replace(" ", "")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
        lossy = True
    if lossy or not slug or slug == "index":  # index.md is a folder's own page
        slug = f"{slug}-{_short_hash(key)}" if slug else _short_hash(key or identity_key(text))
    return Slug(slug)


def _exact(slug: str, key: str) -> bool:
    """Whether a slug spells its identity key as it is (nothing folded, dropped, cut or hashed)."""
    return slug == "-".join(key.split())


def distinct_slugs(papers: Sequence[Paper]) -> list[Slug]:
    """The slug of each paper, all distinct, whatever the titles: the slug it asks for (``Paper.slug``)
    unless another paper asks for it too.

    Of the papers asking for one slug, the one whose slug spells its title exactly keeps it, then
    the earliest dated, then the first by identity; each other one gets the slug with a hash of its
    identity appended (``_fallbacks``). Every slug asked for is kept free of these, so the result
    depends on the set of papers, never on their order.
    """
    return _settle(
        [p.slug for p in papers],
        lambda i: (not _exact(papers[i].slug, papers[i].key), papers[i].date or dt.date.max, _identity(papers[i])),
        lambda i: _identity(papers[i]),
    )


def _identity(paper: Paper) -> str:
    """What no two papers share: the identity key and the abstract (papers of one key differ in it)."""
    return f"{paper.key}\n{paper.abstract}"


def organisation_slugs(handles: Iterable[str]) -> dict[str, Slug]:
    """The page slug of each organisation handle: handles that differ only in case or Unicode form
    (``OpenBMB``, ``openbmb``) share a slug, other handles never do (``c++``, ``c#``, ``a_b``, ``a-b``:
    a handle is an account name, every character of it counts); a handle that spells its slug keeps it."""
    keys = sorted({_handle_key(h) for h in handles})
    wanted = [slugify(key) for key in keys]
    slugs = _settle(wanted, lambda i: (not _exact(wanted[i], keys[i]), keys[i]), lambda i: keys[i])
    by_key = dict(zip(keys, slugs, strict=True))
    return {h: by_key[_handle_key(h)] for h in handles}


def _handle_key(handle: str) -> str:
    """What tells organisations apart: the handle, case and Unicode form folded."""
    return unicodedata.normalize("NFKC", handle).casefold()


def _settle(wanted: Sequence[Slug], rank: Callable[[int], Any], identity: Callable[[int], str]) -> list[Slug]:
    """``wanted`` made distinct: of the claims on one slug, the lowest ``rank`` keeps it, the others
    take their first free fallback (``_fallbacks`` of their ``identity``), in order of slug and rank."""
    claims: dict[Slug, list[int]] = {}
    for i, slug in enumerate(wanted):
        claims.setdefault(slug, []).append(i)
    slugs = list(wanted)
    if len(claims) == len(wanted):  # nearly always: nothing to settle
        return slugs
    taken = set(claims)
    for slug in sorted(claims):
        for i in sorted(claims[slug], key=rank)[1:]:
            slugs[i] = next(s for s in _fallbacks(slug, identity(i)) if s not in taken)
            taken.add(slugs[i])
    return slugs


def _fallbacks(slug: Slug, identity: str) -> Iterator[Slug]:
    """Slugs for a claim that lost ``slug``: the slug and a longer and longer hash of the claimant's
    identity, then the whole hash and a counter (never exhausted)."""
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
    for length in range(6, len(digest) + 1, 2):
        yield Slug(f"{slug}-{digest[:length]}")
    yield from (Slug(f"{slug}-{digest}-{n}") for n in itertools.count(2))


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
