"""Inline cross-links: method and model names in abstracts that another paper of the corpus introduces.

A paper introduces the name before the colon of its title (``GPTQ: Accurate Post-Training ...``) and
any abbreviation its abstract gives that name (``Branch-Train-Merge (BTM)``). A mention in another
abstract links to it, with guards against false links:

- case must match exactly (``OPT`` but not ``opt``);
- names that read as ordinary words (``Primer``, ``Sigma``, ``Yi``) link only with evidence: not at
  the start of a sentence, and next to a cue such as ``models such as Primer`` or ``Sigma model``;
- an abstract that defines the same letters for its own method (``Future Token Prediction (FTP)``,
  ``we propose TART``) never links them to another paper.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .model import Mention, Paper, Slug

_TOKEN = re.compile(r"[^\s()\[\]{},;:\"“”]+")
_TOKEN_BREAKS = '()[]{},;:"“”'
_TRAILING = ".!?'’"
_SIZE_SUFFIX = re.compile(r"^(.+?)-(?:\d[\w.]*|base|large|small|tiny|mini|xl|xxl|instruct|chat)$", re.IGNORECASE)
_DEFINED = re.compile(r"\(([A-Z][\w+-]*)\)")
_WE_PROPOSE = re.compile(r"\b(?:we|We)\s+(?:propose|introduce|present|call|name|dub|develop)\s+(?:a |an |the )?(\S+)")
_CUES_BEFORE = {"as", "like", "e.g.", "e.g", "including", "than", "vs", "vs.", "versus", "namely", "over", "against"}
_CUES_AFTER = {"model", "models", "family", "architecture", "method", "approach", "framework", "baseline", "baselines"}


def introduced_names(paper: Paper) -> tuple[str, ...]:
    """The names a paper introduces: its title's name before the colon and the abbreviation it defines."""
    head, colon, _ = paper.title.partition(":")
    head = head.strip()
    words = head.split()
    if not colon or not words or len(words) > 2:
        return ()
    if len(words) == 2 and not any(_coined(w) for w in words):
        return ()  # "Beyond Size", "Future Lens": a phrase, not a name
    names = [head]
    # The literal test first: compiling a pattern per paper is what costs (the regex cache is small).
    match = (
        re.search(re.escape(head) + r" \(([A-Z][A-Za-z0-9-]{1,15})\)", paper.abstract)
        if f"{head} (" in paper.abstract
        else None
    )
    if match and match[1] != head:
        names.append(match[1])
    return tuple(names)


def _coined(word: str) -> bool:
    """A word no dictionary holds: inner capitals, digits or hyphens (``QLoRA``, ``CodeT5``, ``LLM-Pruner``)."""
    return any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word) or "-" in word.strip("-")


def _ordinary(name: str) -> bool:
    """A name that could be an ordinary word in running text (``Primer``, ``Sigma``, ``Yi``)."""
    return " " not in name and not _coined(name)


def find_mentions(papers: Sequence[Paper]) -> dict[Slug, tuple[Mention, ...]]:
    """Each paper's mentions of names other papers introduce, first mention of each target only."""
    owners: dict[str, set[Slug]] = defaultdict(set)
    for paper in papers:
        for name in introduced_names(paper):
            owners[name].add(paper.slug)
    # A name two papers claim is ambiguous: it links nowhere.
    names = {name: next(iter(slugs)) for name, slugs in owners.items() if len(slugs) == 1}
    first_words: dict[str, list[str]] = defaultdict(list)
    for name in names:
        first_words[name.split()[0]].append(name)
    return {paper.slug: tuple(_mentions_in(paper, names, first_words)) for paper in papers}


def _mentions_in(paper: Paper, names: dict[str, Slug], first_words: dict[str, list[str]]) -> Iterable[Mention]:
    text = paper.abstract
    spaced = _spaced(text)
    raw = spaced.split()
    # Most abstracts name no other paper's name: find out from their distinct words before reading
    # them token by token.
    distinct = {t.rstrip(_TRAILING) for t in set(raw)}
    possible = {
        w
        for w in (*(distinct & first_words.keys()), *(w for w in distinct if "-" in w))
        if _may_mention(w, paper.slug, names, first_words)
    }
    if not possible:
        return
    tokens = _located(spaced, raw)
    hits = [i for i, (_, word) in enumerate(tokens) if word in possible]
    own = _own_definitions(text)
    seen: set[Slug] = set()
    for index in hits:
        start, token = tokens[index]
        for candidate in _candidates(token):
            for name in first_words.get(candidate.split()[0], ()):
                if " " in name:
                    following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
                    if f"{token} {following}" != name:
                        continue
                target = names[name]
                if target == paper.slug or target in seen or name in own:
                    continue
                if _ordinary(name) and not _has_evidence(text, tokens, index):
                    continue
                seen.add(target)
                yield Mention(start, start + len(name), target)


def _spaced(text: str) -> str:
    """The text with the punctuation ``_TOKEN`` excludes made spaces (the same length): its tokens
    are then ``spaced.split()``, faster than ``_TOKEN.findall(text)`` (``str.split`` splits where
    ``\\s`` matches)."""
    for mark in _TOKEN_BREAKS:
        if mark in text:
            text = text.replace(mark, " ")
    return text


def _located(spaced: str, raw: list[str]) -> list[tuple[int, str]]:
    """``(start, token)`` of each token (``raw``: ``spaced.split()``) without its trailing
    punctuation, empty ones left out: what ``_TOKEN.finditer`` gives, without a match object each."""
    tokens = []
    at = 0
    find = spaced.find
    for token in raw:
        at = find(token, at)  # only spaces lie between one token and the next
        if word := token.rstrip(_TRAILING):
            tokens.append((at, word))
        at += len(token)
    return tokens


def _may_mention(word: str, slug: Slug, names: dict[str, Slug], first_words: dict[str, list[str]]) -> bool:
    """Whether a token starts a name some other paper introduces (tokens hold no spaces)."""
    if word in first_words and any(names[name] != slug for name in first_words[word]):
        return True
    if "-" not in word:
        return False
    sized = _SIZE_SUFFIX.match(word)
    if sized is None or sized[1] not in first_words:
        return False
    return any(names[name] != slug for name in first_words[sized[1]])


def _candidates(token: str) -> tuple[str, ...]:
    """The token, and the name inside a sized variant (``OPT-175B`` -> ``OPT``)."""
    sized = _SIZE_SUFFIX.match(token)
    return (token, sized[1]) if sized else (token,)


def _own_definitions(text: str) -> set[str]:
    """Abbreviations and names an abstract defines for its own method."""
    own = {m[1].rstrip(_TRAILING + ",;:") for m in _WE_PROPOSE.finditer(text)}
    for match in _DEFINED.finditer(text):
        abbreviation = match[1]
        before = re.findall(r"[A-Za-z][\w-]*", text[max(0, match.start() - 120) : match.start()])
        initials = "".join(part[0] for word in before for part in word.split("-") if part).upper()
        letters = "".join(c for c in abbreviation if c.isalpha()).upper()
        if letters and initials.endswith(letters):
            own.add(abbreviation)
    return own


def _has_evidence(text: str, tokens: list[tuple[int, str]], index: int) -> bool:
    """An ordinary-word name counts only mid-sentence and beside a cue.

    Cues: a word before (``such as Primer``), a word after (``Yi models``), a size or version
    (``Yi-34B``), or a coined name close by, as in a list (``LLaMA, Yi and OPT``).
    """
    start = tokens[index][0]
    before = text[:start].rstrip()
    if not before or before[-1] in ".!?":
        return False
    previous = tokens[index - 1][1].lower() if index else ""
    following = tokens[index + 1][1].lower() if index + 1 < len(tokens) else ""
    after = text[start + len(tokens[index][1]) : start + len(tokens[index][1]) + 2]
    nearby = [tokens[j][1] for j in range(max(0, index - 2), min(len(tokens), index + 3)) if j != index]
    return (
        previous in _CUES_BEFORE
        or following in _CUES_AFTER
        or after.startswith(("-", " ("))
        or any(_coined(word) for word in nearby)
    )
