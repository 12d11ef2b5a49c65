"""Identity keys and slugs: the one place that decides what is the same paper and where it lives."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .model import Slug

MAX_SLUG = 80
"""Slugs longer than this are cut at a word boundary and given a hash suffix."""

_NON_WORD = re.compile(r"[\W_]+")
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
