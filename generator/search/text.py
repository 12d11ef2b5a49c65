"""Text as the index and a query read it, the same in Python and in the worker (``worker.js``):
folding (:func:`fold`), words (:func:`words`) and index terms (:func:`index_terms`, lunr.js's
pipeline: trimmer, stop words, :mod:`.stemmer`)."""

from __future__ import annotations

import functools
import re
import unicodedata

from lunr.stop_word_filter import WORDS  # type: ignore[import-untyped]

from .stemmer import stem

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
STOP_WORDS = frozenset(WORDS)
_WORD_CATEGORIES = frozenset("LNM")
"""Unicode categories (first letter) of characters a word keeps at its ends: letters, numbers, marks."""


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
    return "" if word in STOP_WORDS else stem(word)


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
