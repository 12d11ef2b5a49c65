"""Text clean-up: Unicode and whitespace, stray LaTeX to readable text, links out of abstracts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .ids import named
from .latex import latex_to_text, occurs, stripped_latex_to_text
from .model import Diagnostic, Entry, Link, Organisation

if TYPE_CHECKING:
    from .cache import Table

ABSTRACT_LIMIT = 10_000
"""The longest abstract shown, in characters; a longer one is cut at a word, with a warning. arXiv
allows 1,920 characters: the longest abstracts in the bundled listings and the real test corpus."""

_RAW_LIMIT = 4 * ABSTRACT_LIMIT
"""The start of an abstract that is cleaned (cleaning shortens LaTeX and spaces); past it, it is cut."""

MIRRORS = {"b-61j.pages.dev": "huggingface.co"}
"""Hosts that copy another site, and the site they copy: links show the canonical host."""

_PLACEHOLDER = re.compile(
    r"[{<\[]\s*(?:urls?|links?|href|placeholder|address|xxx+|\.\.\.)\s*[}>\]]",
    re.IGNORECASE,
)
"""A template placeholder left in an address (``{URL}``, ``<url>``, ``[link]``): the address is not real."""


@dataclass(frozen=True)
class Cleaning:
    """What the clean stage gives: the cleaned entries and warnings about their text."""

    entries: tuple[Entry, ...]
    """Every entry, in input order, with clean title and abstract and the links of its abstract."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Warnings (addresses that hold a template placeholder, titles without letters or digits), in input order."""


_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_UNUSUAL_SPACE = re.compile(r"[^\S ]| {2}")
_TIE = re.compile(r"(\S*?)(?:(?<=[^\W\d_])|(?<=[).,;:\]-]))~(?=[^\s~])")
"""LaTeX's tie (an unbreakable space) after a word or closing punctuation, as copies from arXiv keep
it: ``Adapters~(LoRA)``, ``Figure~3``, ``at~https://...``, ``(i)~the``, ``process.~This``,
``Byte-~and``; with the start of its word, to leave addresses (``/~user``) alone. After an opening
bracket or a space it means "about" (``(~300k``) and stays."""
"""Whitespace ``_SPACES`` would change: any but a single plain space (its class is exactly ``\\s``)."""
_DROPPED = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # control characters that are not whitespace
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"  # lone surrogates and noncharacters
    "\u202a-\u202e\u2066-\u2069\u061c"  # bidirectional embeddings, overrides, isolates and marks
    "\u200b\u200e\u200f\ufeff\u00ad]"  # invisible: zero-width space, direction marks, BOM, soft hyphen
)
"""Characters no text keeps. XML forbids the controls, surrogates and U+FFFE/U+FFFF (a feed holding
one is not XML); bidirectional controls make text read other than it is (``Safe \\u202eEVIL`` shows
"Safe LIVE"); the invisible ones only get in the way. Whitespace controls (tab, form feed, ``\\x1c``
to ``\\x1f``, ``\\x85``) are folded to spaces instead. ``_ASTRAL_DROPPED`` holds the noncharacters
past U+FFFF, apart because a character class with them is slower for every text."""
_ASTRAL_DROPPED = re.compile(
    "[" + "".join(chr(p + 0xFFFE) + chr(p + 0xFFFF) for p in range(0x10000, 0x110000, 0x10000)) + "]"
)

_URL = re.compile(r"(?:https?://|\bwww\.)[^\s<>\"'`{]+(?:\{[^\s<>\"'`{}]*\}[^\s<>\"'`{]*)*", re.IGNORECASE)
_GLUED_TEXT = re.compile(r"\{[^{}]*\}|\]\(")
"""What a copy glued after an address: the text of an ``\\href`` it lost (``…/SegDT{GitHub}``, often the
address again) or a Markdown link's second half (``…/minWM](…/minWM)``). Never part of the address."""
_SECOND_ADDRESS = re.compile(r"(?<=.)(?=https?://)", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control, bidirectional and invisible characters, fold whitespace,
    make LaTeX readable."""
    return _clean_text(text)[0]


def _clean_text(text: str) -> tuple[str, tuple[str, ...]]:
    """The clean text and the addresses its ``\\href``/``\\url`` commands held."""
    text = _plain(text)
    addresses: tuple[str, ...] = ()
    if "\\" in text or "$" in text:
        converted = latex_to_text(text)
        text, addresses = _drop(converted.text), converted.addresses
    text = _markdown_marks(stripped_latex_to_text(text))
    if "~" in text:
        text = _TIE.sub(_untie, text)
    return _fold_spaces(text), addresses


_MARKDOWN_MARKS = re.compile(
    r"\*\*(?P<strong>(?=[^\s*])[^*\n]{1,200}?(?<=[^\s*]))\*\*"
    r"|(?<![^\s(“\"])\*(?P<em>(?=[A-Za-z])[^*\n]{1,100}?(?<=[A-Za-z0-9)]))\*(?=[\s,.;:!?)”\"]|$)"
    r"|\[(?P<label>[^\[\]\n]{1,200})\]\((?P<target>(?:https?://)?[\w.-]+\.[a-z]{2,}(?:/[^\s()]*)?)\)"
)
"""Markdown that abstracts written for Markdown pages keep: ``**bold**``, ``*emphasis*`` (not the star
of ``A*`` or ``RRT*``) and ``[label](address)``. The page escapes the text, so the marks would show."""
_BRACED_COPY = re.compile(r"(?P<url>https?://[^\s{}<>\"]+)(?:\}\{|\{[A-Za-z]{1,20}\{)(?P=url)\}*")
"""An address and a copy of it, joined by what is left of ``\\href{URL}{URL}`` once its commands are
stripped (``https://x.io}{https://x.io``, ``https://x.io{blue{https://x.io}}`` from a ``\\color``)."""
_GLUED_HREF = re.compile(r"(?P<url>https?://[^\s{}<>\"]+)\{(?P<text>[^{}\n]{1,200})\}")
"""An address with the text of the ``\\href`` a copy lost glued after it (``https://x.io/{project page}``)."""


_GLUED_SCHEME = re.compile(r"(?<=[^\W\d_])(?=https?://)", re.IGNORECASE)
_BROKEN_SCHEME = re.compile(r"\b(https?):(?: //|/ ?(?=[\w-]+\.))", re.IGNORECASE)
_REPEATED_ADDRESS = re.compile(r"(https?://[^\s{}]+?) \1(?![^\s.,;:!?)])", re.IGNORECASE)
_DOUBLED_ADDRESS = re.compile(r"(https?://[^\s{}]+?)\1(?![^\s.,;:!?)])", re.IGNORECASE)
"""An address glued to a copy of itself (``https://x.io/https://x.io/``); an address inside another
(``https://web.archive.org/web/2020/https://x.io``) is not a copy and stays."""


def _markdown_marks(text: str) -> str:
    """The text without Markdown's marks (``_MARKDOWN_MARKS``) or the text of a lost ``\\href`` glued to
    its address (``_GLUED_HREF``), with each address apart from the word and
    the copy of itself a copy glued it to (``athttps://x.io``, ``https://x.iohttps://x.io``), and
    ``https: //`` or ``https:/`` mended."""
    if "*" in text or "](" in text:
        text = _MARKDOWN_MARKS.sub(_unmark, text)
    if "{" in text and "://" in text:
        text = _GLUED_HREF.sub(_glued_href, _BRACED_COPY.sub(r"\g<url>", text))
    lower = text.lower()
    if "http" in lower:
        if ": //" in text or ":/" in text.replace("://", ""):
            text = _BROKEN_SCHEME.sub(r"\1://", text)
        if text.count("://") > 1:
            text = _DOUBLED_ADDRESS.sub(r"\1", text)
        if occurs(lower, "http", before=str.isalnum) and _GLUED_SCHEME.search(text):
            text = _REPEATED_ADDRESS.sub(r"\1", _GLUED_SCHEME.sub(" ", text))
    return text


def _glued_href(match: re.Match[str]) -> str:
    """The lost ``\\href``'s text then its address in parentheses; the address alone when the text is the
    same address or arXiv's stand-in for one (``this https URL``); a placeholder (``{URL}``) stays."""
    url, label = match["url"], match["text"].strip()
    if _PLACEHOLDER.fullmatch(match[0], len(url)):  # ``{URL}``: not a link text, and warned about
        return match[0]
    if _same_address(label, url):
        return url
    if not label or re.fullmatch(r"(?:this )?https? URL", label, re.I):
        return url
    return f"{label} ({url})"


def _unmark(match: re.Match[str]) -> str:
    if match["label"] is None:
        return match["strong"] or match["em"]
    label, target = match["label"].strip(), match["target"]
    return target if _same_address(label, target) or "://" in label else f"{label} ({target})"


def _same_address(text: str, url: str) -> bool:
    """Whether a link's text is its address written again (with or without scheme or final slash)."""
    return re.sub(r"^https?://", "", text).rstrip("/") == re.sub(r"^https?://", "", url).rstrip("/")


def _untie(match: re.Match[str]) -> str:
    """A tie read as the space it stands for, unless it is part of an address."""
    word = match[1]
    return match[0] if "://" in word or word.lower().startswith("www.") else f"{word} "


def plain_text(text: str) -> str:
    """Text that is shown but holds no LaTeX (organisations): NFC, dropped characters gone, spaces folded."""
    return _fold_spaces(_plain(text))


def _plain(text: str) -> str:
    """NFC, without the characters no text keeps (``_drop``)."""
    return _drop(unicodedata.normalize("NFC", text))


def _drop(text: str) -> str:
    """The text without the characters no text keeps (``_DROPPED``, ``_ASTRAL_DROPPED``)."""
    if text.isascii() and text.isprintable():  # most text holds none of them: cheaper than the search
        return text
    text = _DROPPED.sub("", text)
    return _ASTRAL_DROPPED.sub("", text) if not text.isascii() and max(text) > "\uffff" else text


def _fold_spaces(text: str) -> str:
    # Single plain spaces only: nothing to fold. Every whitespace character but the space is
    # unprintable, so a printable text without two spaces in a row is checked without the regex.
    if ("  " not in text and text.isprintable()) or not _UNUSUAL_SPACE.search(text):
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def extract_links(text: str, addresses: Iterable[str] = ()) -> tuple[Link, ...]:
    """Code and project links in an abstract (and ``addresses`` its LaTeX linked), without the
    sentence's trailing punctuation; addresses holding a template placeholder are left out."""
    return _find_links(text, addresses)[0]


def _find_links(text: str, addresses: Iterable[str] = ()) -> tuple[tuple[Link, ...], tuple[str, ...]]:
    """The links, and the addresses left out because they hold a placeholder, each once, sorted."""
    links: dict[str, Link] = {}
    placeholders: set[str] = set()
    found = list(addresses)
    # What every match holds (only W and w match w)
    if "://" in text or "www." in text.lower():
        for match in _URL.finditer(text):
            url = _trim_url(match[0])
            after = _PLACEHOLDER.match(text, match.start() + len(url))
            found.append(url + after[0] if after else url)
    for address in found:
        if _PLACEHOLDER.search(address):
            placeholders.add(address)
            continue
        glued = _GLUED_TEXT.search(address)
        parts = _SECOND_ADDRESS.split(address[: glued.start()] if glued else address)
        if glued:  # the lost \href's text may be another address: ``…/webvia.github.io/{https://webvia.github.io}``
            parts.extend(_trim_url(m[0]).rstrip("}") for m in _URL.finditer(address, glued.start()))
        # A copy that lost \href{URL}{URL} glues the address to itself: each part is an address.
        for part in parts:
            part = _trim_url(part)
            url = canonical_url("https://" + part if part.lower().startswith("www.") else part)
            if len(url) > len("https://x.y") and "://" in url:
                links.setdefault(url, Link(url=url, kind=_link_kind(url)))
    return tuple(sorted(links.values())), tuple(sorted(placeholders))


def canonical_url(url: str) -> str:
    """The address on the site a mirror host copies (``b-61j.pages.dev`` → ``huggingface.co``)."""
    for mirror, host in MIRRORS.items():
        url = re.sub(rf"^(https?://)(?:www\.)?{re.escape(mirror)}(?=[/:?#]|$)", rf"\g<1>{host}", url, flags=re.I)
    return url


def _trim_url(url: str) -> str:
    """Drop trailing punctuation and closing brackets that have no opening one in the URL (linear time)."""
    balance = {close: url.count(close) - url.count(open_) for close, open_ in _PAIRS.items()}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _PAIRS and balance[last] > 0:
            balance[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def _link_kind(url: str) -> str:
    """What a link leads to, by its host (``www.`` aside) and path: code, dataset, demo, model or project."""
    host_path = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower())
    if re.match(r"(github|gitlab|bitbucket)\.(com|org)/|gitee\.com/", host_path):
        return "code"
    if "/datasets/" in host_path:
        return "dataset"
    if "/spaces/" in host_path:
        return "demo"
    if re.match(r"(huggingface\.co|hf\.co)/", host_path):
        return "model"
    return "project"


def clean_entry(entry: Entry) -> Entry:
    """The entry with clean title, abstract, organisation and listing name (as pages show it) and the
    links of its abstract."""
    return _clean_entry(entry)[0]


_GLUED_SENTENCE = re.compile(r"(?<![\w./@:-])(?!www\.)([a-z]{3,})\.([A-Z][A-Za-z]+)(?=[\s,;:!?)-]|$)")
"""A sentence glued to the one before it (``training.We``, ``settings.Project page``), as copies of
abstracts lose the space after a full stop: a lower-case word of three letters or more, a full stop
and a capitalised word, in an abstract (a title is left as written: its slug is the paper's address).
Not code (``nn.Module``: two letters; ``torch.nn.Module``: after a dot) nor an address (``www.Example``,
a word after ``/``, ``.`` or ``@``)."""
Cleaner = Callable[[str], tuple[str, tuple[str, ...]]]
"""A text's clean form and the addresses its link commands held (``_clean_text``)."""
_ABSTRACT = "\0abstract\0"
"""What an abstract's key in the table of clean texts starts with: a title with the same text is
cleaned otherwise."""


def _clean_abstract(text: str) -> tuple[str, tuple[str, ...]]:
    """An abstract's clean text (``_clean_text``) with glued sentences set apart, and its addresses."""
    clean, addresses = _clean_text(text)
    return _GLUED_SENTENCE.sub(r"\1. \2", clean), addresses


def _remembering(table: Table[Any], clean: Cleaner, prefix: str = "") -> Cleaner:
    """``clean``, its values remembered in ``table`` under the text with ``prefix`` before it."""

    def remembered(text: str) -> tuple[str, tuple[str, ...]]:
        found: tuple[str, tuple[str, ...]] = table.get(prefix + text, lambda key: clean(key[len(prefix) :]))
        return found

    return remembered


def clean_entries(entries: Iterable[Entry], remembered: Table[Any] | None = None) -> Cleaning:
    """Every entry cleaned (``clean_entry``), with warnings about addresses that are not real;
    ``remembered``: the clean texts of an earlier build (``cache.Table``)."""
    cleaned: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    clean_title: Cleaner = _clean_text
    clean_abstract: Cleaner = _clean_abstract
    if remembered:  # an abstract's key apart from a title of the same text
        clean_title, clean_abstract = (
            _remembering(remembered, _clean_text),
            _remembering(remembered, _clean_abstract, _ABSTRACT),
        )
    for entry in entries:
        clean, warnings = _clean_entry(entry, clean_title, clean_abstract)
        cleaned.append(clean)
        diagnostics.extend(warnings)
    return Cleaning(tuple(cleaned), tuple(diagnostics))


def _clean_entry(
    entry: Entry,
    clean_title: Cleaner = _clean_text,
    clean_abstract: Cleaner = _clean_abstract,
) -> tuple[Entry, tuple[Diagnostic, ...]]:
    title, title_addresses = clean_title(entry.title)
    # Only the start of a huge abstract is cleaned: cleaning 50 MB would take minutes.
    abstract, addresses = clean_abstract(entry.abstract[:_RAW_LIMIT])
    warnings = []
    if len(abstract) > ABSTRACT_LIMIT or len(entry.abstract) > _RAW_LIMIT:
        abstract = cut_at_word(abstract, ABSTRACT_LIMIT)
        warnings.append(
            Diagnostic(
                entry.source,
                f"the abstract of {title!r} has {len(entry.abstract):,} characters, more than the "
                f"{ABSTRACT_LIMIT:,} any real abstract comes near (arXiv allows 1,920): it is cut at a word, "
                "with '…'; check that the listing holds one abstract here",
            )
        )
    links, placeholders = _find_links(abstract, (*title_addresses, *addresses))
    warnings.extend(
        Diagnostic(
            entry.source,
            f"the address {address!r} in the abstract of {title!r} holds a template placeholder, not a "
            "real address: it is shown as text, not as a link; put the real address in the listing",
        )
        for address in placeholders
    )
    if not named(title):
        warnings.append(
            Diagnostic(
                entry.source,
                f"the title {title or entry.title!r} has no letters or digits, so it cannot tell this paper from others: "
                "it is one paper with another only when their abstracts match; give it its real title",
            )
        )
    organisation = _clean_organisation(entry.organisation) if entry.organisation else None
    source = entry.source
    if (path := plain_text(source.path)) != source.path:  # a file name pages show, holding a control character
        source = replace(source, path=path)
    cleaned = replace(entry, title=title, abstract=abstract, links=links, organisation=organisation, source=source)
    return cleaned, tuple(warnings)


def _clean_organisation(organisation: Organisation) -> Organisation | None:
    """The organisation with plain handle and name (``plain_text``); none when nothing of the handle is left."""
    handle, name = plain_text(organisation.handle), plain_text(organisation.name)
    if not handle:
        return None
    if (handle, name) == (organisation.handle, organisation.name):  # nearly always
        return organisation
    return replace(organisation, handle=handle, name=name or handle)


def cut_at_word(text: str, limit: int) -> str:
    """The start of a text too long to show, with '…': at most ``limit`` characters, cut at the last
    space in the second half of them."""
    if len(text) < limit:
        return text.rstrip() + "…"
    space = text.rfind(" ", limit // 2, limit)
    return (text[:space] if space >= 0 else text[: limit - 1]).rstrip() + "…"
