"""Escaping of listing text for the formats it is written into: Markdown, HTML, URLs."""

from __future__ import annotations

import html
import re

_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|~^=:$"})
"""ASCII punctuation Markdown could read, backslash-escaped (a table: faster than a regex substitution)."""


class Trusted(str):
    """Markdown the generator wrote itself: templates print it as it is."""

    __slots__ = ()


def markdown_text(text: str) -> str:
    """Text that Markdown shows literally: no emphasis, link, heading, list, HTML or attribute.

    HTML specials become entities; other ASCII punctuation Markdown could read is backslash-escaped
    (the site enables ``pymdownx.escapeall``, so every backslash escape is honoured).
    """
    escaped = html.escape(text, quote=False)
    return escaped.translate(_MD_ESCAPES)


def html_text(text: str) -> str:
    """Text for places the theme inserts into HTML unescaped (page title, description)."""
    return html.escape(text, quote=True)


def display_url(url: str) -> str:
    """A URL as a short label: no scheme, no ``www.``, no trailing slash."""
    return re.sub(r"^(https?://)?(www\.)?", "", url).rstrip("/")
