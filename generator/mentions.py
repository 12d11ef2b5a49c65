"""Inline cross-links: method and model names in abstracts that another paper of the corpus introduces.

A paper introduces the name before the colon of its title (``GPTQ: Accurate Post-Training ...``) and
any abbreviation its abstract gives that name (``Branch-Train-Merge (BTM)``), and the coined names its
abstract introduces (``we propose a method named FLAP (...)``, ``a framework called ZipLM``, ``we
present CodeT5, a ...``). A mention in another abstract links to it, with guards against false links:

- case must match exactly (``OPT`` but not ``opt``);
- a name from an abstract must look coined (``FLAP``, ``LazyLLM``; not ``entity`` in ``named
  entity``), and the paper must name its own work (``we propose a method named``, ``our model,
  called``), not another's (``an existing approach called Linformer``, ``so-called LoRA blocks``);
- a bare acronym from an abstract (``we present FLAIR, a ...``) counts only when spelled out after it
  (``FLAP (FLuctuation-based Adaptive Structured Pruning)``): other fields reuse the letters;
- general acronyms (``LLM``, ``NLP``, ``RL``) are no paper's name;
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

# An abstract introduces a name after a naming word (``named FLAP (...)``, ``called ZipLM``, ``termed as
# POA``), between commas after a noun (``a novel method, LazyLLM, that``), or as the object of ``we
# present`` followed by a description (``We present CodeT5, a ...``, ``we propose GraphAdapter, which``).
# Each pattern starts with a literal space or comma, which keeps the scan of every abstract fast (a
# leading ``\b`` or lookbehind made it ten times slower); the space also keeps out ``so-called``, which
# names what others call a thing.
_NAMING = re.compile(r" (?:named|called|dubbed|termed)(?: as)? (\S+)")
_APPOSITION = re.compile(r", (\S+), (?:which|that)\b")
_WE_PRESENT = re.compile(
    r" (?:propose|introduce|present|release|develop)s? (\S+?)(?:,| --| —) (?:a|an|the|which|that)\b"
)
_PRESENTERS = (" we", " We", " paper", " work")
_ARTICLES = frozenset({"a", "an", "the"})
_PARENTHESIS = re.compile(r"\([^()]*\)")
_EXPANSION = re.compile(r"\s*\(([^()]{4,120})\)")
# Who names the thing: the clause before a naming word must show the authors introducing their own work
# (``we propose a method named``, ``Our method, named``), as ``We compare with an existing approach
# called Linformer`` does not. A past participle counts only after ``we``: ``a model trained on a corpus
# called C4`` names someone else's corpus.
_AUTHORS = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Tt]his (?:paper|work|study|article|report))\b")
_INTRODUCING = re.compile(
    r"\b(?:propos(?:e|es|ing)|introduc(?:e|es|ing)|present(?:s|ing)?|develop(?:s|ing)?|design(?:s|ing)?"
    r"|build(?:s|ing)?|construct(?:s|ing)?|devis(?:e|es|ing)|[Oo]ur"
    r"|we (?:proposed|introduced|presented|developed|designed|built|constructed|trained|created|identify|identified))\b"
)
# Words that turn the noun phrase between the cue and the name into someone else's work (``a variant of
# the model called``, ``compared with a baseline called``) or into a clause (``a method that uses a
# model called``).
# fmt: off
_NOT_OWN = frozenset({
    "with", "than", "against", "versus", "vs", "vs.", "over", "to", "from", "on", "upon", "of", "existing",
    "previous", "prior", "popular", "known", "well-known", "standard", "baseline", "baselines", "like", "such",
    "recent", "recently", "original", "conventional", "traditional", "which", "that", "where", "while", "using",
    "uses", "use", "based", "compare", "compared", "unlike", "by", "in", "into", "at", "via", "between",
    "among", "inspired", "outperform", "outperforms", "outperforming", "beat", "beats", "surpass", "surpasses",
    "improve", "improves", "improving", "extend", "extends", "extending", "adopt", "adopts", "adopting",
    "leverage", "leverages", "leveraging", "apply", "applies", "applying", "follow", "follows", "following",
})
# fmt: on
# General acronyms of the field: most abstracts use them for the general thing, so a paper that happens
# to write ``we propose a layer, named MoE, ...`` or whose title reads ``LLM: ...`` must not collect
# every mention of them. Coined-looking (capitals), they pass every other guard; the list is short on
# purpose: a specific model's name (``BERT``, ``GPT-4``) still links to the paper that introduces it.
# fmt: off
_GENERAL = frozenset({
    "AI", "AGI", "API", "APIs", "ASR", "CNN", "CNNs", "CoT", "CPU", "GAN", "GNN", "GPU", "GPUs", "KD", "LLM",
    "LLMs", "LM", "LMs", "LSTM", "ML", "MLLM", "MLLMs", "MLP", "MoE", "MT", "NER", "NLG", "NLP", "NLU", "NMT",
    "PEFT", "QA", "RL", "RLHF", "RNN", "RNNs", "SFT", "SOTA", "TPU", "TTS", "VLM", "VLMs", "VQA",
})
# fmt: on


def introduced_names(paper: Paper) -> tuple[str, ...]:
    """The names a paper introduces: its title's name, the abbreviation it defines and the names its abstract coins."""
    names = [name for name in (*_title_names(paper), *_abstract_names(paper.abstract)) if name not in _GENERAL]
    return tuple(dict.fromkeys(names))


def _title_names(paper: Paper) -> list[str]:
    """The title's name before the colon and the abbreviation the abstract gives it."""
    head, colon, _ = paper.title.partition(":")
    head = head.strip()
    words = head.split()
    if not colon or not words or len(words) > 2:
        return []
    if len(words) == 2 and not any(_coined(w) for w in words):
        return []  # "Beyond Size", "Future Lens": a phrase, not a name
    names = [head]
    # The literal test first: compiling a pattern per paper is what costs (the regex cache is small).
    match = (
        re.search(re.escape(head) + r" \(([A-Z][A-Za-z0-9-]{1,15})\)", paper.abstract)
        if f"{head} (" in paper.abstract
        else None
    )
    if match and match[1] != head:
        names.append(match[1])
    return names


def _abstract_names(text: str) -> list[str]:
    """Coined names an abstract gives its own work (``we propose a method named FLAP (...)``)."""
    found = [(m[1], m.end()) for m in _NAMING.finditer(text) if _names_own_work(text, m.start())]
    found += [(m[1], m.end(1)) for m in _APPOSITION.finditer(text) if _names_own_work(text, m.start(), True)]
    found += [
        (m[1], m.end(1))
        for m in _WE_PRESENT.finditer(text)
        if f" {text[max(0, m.start() - 6) : m.start()]}".endswith(_PRESENTERS)
    ]
    names: list[str] = []
    for raw, end in found:
        name = raw.rstrip(".,")
        if name in names or not _name_like(name):
            continue
        if raw == name and text[end : end + 1] == " " and text[end + 1 : end + 2].isupper():
            continue  # the first word of a longer name: "called Low-Rank Transformer"
        if name.isalpha() and name.isupper() and not _spelled_out(name, text, end):
            continue
        names.append(name)
    return names


def _spelled_out(acronym: str, text: str, end: int) -> bool:
    """Whether the text after an acronym spells it out: ``FLAP (FLuctuation-based Adaptive Structured Pruning)``.

    Letters alone are weak evidence of a name: fields reuse them (a retina model ``FLAIR`` and the
    ``FLAIR`` NLP framework of another abstract), so a bare acronym from an abstract names nothing.
    """
    match = _EXPANSION.match(text, end)
    if match is None:
        return False
    capitals = iter(c for c in match[1] if c.isupper())
    return all(letter in capitals for letter in acronym)  # the acronym's letters in order


def _names_own_work(text: str, start: int, apposition: bool = False) -> bool:
    """Whether the clause that ends at a naming cue shows the authors naming their own work.

    An apposition (``we propose a novel method, LazyLLM, that``) needs a verb and a plain noun phrase
    after it: ``Our method outperforms GPTQ, AWQ, which`` lists others' names.
    """
    clause = text[max(0, start - 200) : start]
    for end in (". ", "? ", "! ", "; "):
        clause = clause.rpartition(end)[2]
    if "(" in clause:
        if clause.count("(") > clause.count(")"):
            return False  # inside a parenthesis, as in "(so-called LoRA blocks)"
        clause = _PARENTHESIS.sub(" ", clause)
    if not _AUTHORS.search(clause):
        return False
    for cue in _INTRODUCING.finditer(clause):
        words = clause[cue.end() :].split()
        phrase = [word.strip(",").lower() for word in words]
        if len(phrase) > 10 or _NOT_OWN.intersection(phrase):
            continue
        if cue[0] in ("our", "Our"):
            # "Our method, named X", "our final model is named X": the name follows the noun at once.
            if not apposition and len(phrase) <= 3 and (clause.rstrip().endswith(",") or phrase[-1:] == ["is"]):
                return True
        elif (
            phrase[:1]
            and phrase[0] in _ARTICLES
            and not _ARTICLES.intersection(phrase[1:])  # "a method for a task called X": the task's name
            and (not apposition or all(w.islower() for w in words))
        ):
            return True
    return False


def _name_like(name: str) -> bool:
    """A coined name: letters, digits and ``.+-`` only, a capital first or inside (not ``bird-eye``)."""
    return (
        len(name) >= 2
        and name[0].isalnum()
        and all(c.isalnum() or c in ".+-" for c in name)
        and (name[0].isupper() or name[0].isdigit() or any(c.isupper() for c in name[1:]))
        and _coined(name)
    )


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
