"""Text clean-up: Unicode and whitespace, stray LaTeX to readable text, links out of abstracts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from .model import Entry, Link

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_UNUSUAL_SPACE = re.compile(r"[^\S ]| {2}")
"""Whitespace ``_SPACES`` would change: any but a single plain space (its class is exactly ``\\s``)."""
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\ufeff\u00ad"))

# Commands whose argument is kept as plain text (\emph{scan and snap} -> scan and snap).
_TEXT_COMMANDS = "emph|textbf|textit|texttt|textsc|textrm|text|mathrm|mathbf|mathit|mathcal|mathbb|url|underline"
_COMMAND_WITH_ARG = re.compile(rf"\\(?:{_TEXT_COMMANDS})\s*\{{([^{{}}]*)\}}")
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ",
    "Psi": "Ψ", "Omega": "Ω", "times": "×", "cdot": "·", "approx": "≈", "sim": "~", "le": "≤",
    "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "pm": "±", "infty": "∞", "rightarrow": "→",
    "to": "→", "leftarrow": "←", "ll": "≪", "gg": "≫", "ldots": "…", "dots": "…", "cdots": "…",
    "eg": "e.g.", "ie": "i.e.", "etal": "et al.",
}  # fmt: skip
_SYMBOL = re.compile(r"\\([A-Za-z]+)\b")
_ESCAPED = re.compile(r"\\([%&_#$])")
_INLINE_MATH = re.compile(r"\$(?=\S)([^$\n]{1,80}?)(?<=\S)\$")
_BRACED_WORD = re.compile(r"\{([^{}\s]{1,40})\}")

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop invisible characters, fold whitespace, make LaTeX readable."""
    text = unicodedata.normalize("NFC", text)
    if not text.isascii():  # the invisible characters are not ASCII
        text = text.translate(_INVISIBLE)
    text = _latex_to_text(text)
    # Single plain spaces only: nothing to fold. Every whitespace character but the space is
    # unprintable, so a printable text without two spaces in a row is checked without the regex.
    if ("  " not in text and text.isprintable()) or not _UNUSUAL_SPACE.search(text):
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def _latex_to_text(text: str) -> str:
    if "\\" not in text and "$" not in text:
        return text
    text = _INLINE_MATH.sub(lambda m: m[1] if _looks_like_math(m[1]) else m[0], text)
    for _ in range(3):  # nested \emph{\textbf{x}}
        text = _COMMAND_WITH_ARG.sub(r"\1", text)
    text = _ESCAPED.sub(r"\1", text)
    text = _SYMBOL.sub(lambda m: _SYMBOLS.get(m[1], m[1]), text)
    return _BRACED_WORD.sub(r"\1", text)


def _looks_like_math(inner: str) -> bool:
    """``$α$`` or ``$\\alpha=1$`` is math; ``$5 and $`` from prices is not."""
    return not re.match(r"^\d[\d,.]*\s", inner)


def extract_links(text: str) -> tuple[Link, ...]:
    """Code and project links in an abstract, without the sentence's trailing punctuation."""
    links: dict[str, Link] = {}
    if "://" not in text and "www." not in text.lower():  # what every match holds (only W and w match w)
        return ()
    for match in _URL.finditer(text):
        url = _trim_url(match[0])
        if url.lower().startswith("www."):
            url = "https://" + url
        if len(url) > len("https://x.y"):
            links.setdefault(url, Link(url=url, kind=_link_kind(url)))
    return tuple(sorted(links.values()))


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
    host_path = re.sub(r"^https?://", "", url.lower())
    if re.match(r"(github|gitlab|bitbucket)\.(com|org)/|gitee\.com/", host_path):
        return "code"
    if "/datasets/" in host_path:
        return "dataset"
    if "/spaces/" in host_path:
        return "demo"
    if re.match(r"(huggingface\.co|hf\.co|b-61j\.pages\.dev)/", host_path):
        return "model"
    return "project"


def clean_entry(entry: Entry) -> Entry:
    """The entry with clean title and abstract and the links of its abstract."""
    abstract = clean_text(entry.abstract)
    return replace(entry, title=clean_text(entry.title), abstract=abstract, links=extract_links(abstract))
