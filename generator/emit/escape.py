"""Escaping of listing text for the formats it is written into: Markdown, HTML, URLs."""

from __future__ import annotations

import html
import re

_MD_PUNCTUATION = "\\`*_{}[]()#+-.!|~^=:$"
"""ASCII punctuation Markdown could read; the backslash first, so the escapes added are not escaped again."""


class Trusted(str):
    """Markdown the generator wrote itself: templates print it as it is."""

    __slots__ = ()


def markdown_text(text: str) -> str:
    """Text that Markdown shows literally: no emphasis, link, heading, list, HTML or attribute.

    HTML specials become entities; other ASCII punctuation Markdown could read is backslash-escaped
    (the site enables ``pymdownx.escapeall``, so every backslash escape is honoured).
    """
    escaped = html.escape(text, quote=False)
    for mark in _MD_PUNCTUATION:  # a few passes of str.replace: 4 times faster than one regex substitution
        if mark in escaped:
            escaped = escaped.replace(mark, "\\" + mark)
    return escaped


def html_text(text: str) -> str:
    """Text for places the theme inserts into HTML unescaped (page title, description)."""
    return html.escape(text, quote=True)


def display_url(url: str) -> str:
    """A URL as a short label: no scheme, no ``www.``, no trailing slash."""
    return re.sub(r"^(https?://)?(www\.)?", "", url).rstrip("/")


SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheets."""


def spreadsheet_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula (a title may start with ``=``): such
    text gets a leading ``'``; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in SPREADSHEET_TRIGGERS:
        return "'" + value
    return value
