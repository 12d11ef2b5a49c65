"""Listing files to entries, by structure: page chrome, title, abstract, optional metadata lines.

Three layouts are read by one reader. Blank-line separated blocks (with or without metadata after
the abstract) and the compact layout, where title and abstract alternate line by line and the first
title may be glued to ``Subscribe``. A title is the first content line after chrome or after the
previous entry; the next content line is its abstract. Metadata lines (``• 7 authors``, ``·``, a date
with optional upvotes, an organisation line) close an entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .errors import InputError, yaml_problem
from .model import Diagnostic, Entry, Organisation, Source

LISTING_SUFFIXES = (".txt",)
"""Files in a listings folder that are read; others are skipped with a note."""

META_FILE = "listings.yml"
"""Optional file beside the listings stating facts about them (e.g. the year of undated lines)."""

CHROME = frozenset(
    {
        "new",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
    }
)
"""Lines of the listing page's own interface, never part of a paper."""

_MONTHS = {
    m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)
}
_DATE = re.compile(r"^(?P<mon>[A-Z][a-z]{2}) (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: (?P<up>\d+))?$")
_AUTHORS = re.compile(r"^•\s*(?P<n>\d+) authors?$")
_DOT = "·"
_GLUED = re.compile(r"^Subscribe(?=\S)")


@dataclass(frozen=True)
class ListingInfo:
    """What ``listings.yml`` states about one listing file."""

    year: int | None = None
    """The year of dates shown without one (the year the page was copied)."""


@dataclass
class Listing:
    """The entries and warnings read from one file."""

    path: str
    """The file as named in messages."""
    entries: list[Entry] = field(default_factory=list)
    """Complete entries, in file order."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Warnings, in file order."""


def find_listings(paths: Iterable[Path]) -> list[Path]:
    """The listing files the user named: files as given, folders searched for ``*.txt``.

    Sorted and deduplicated, so the order on the command line changes nothing.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix in LISTING_SUFFIXES)
        elif path.is_file():
            found.add(path)
        else:
            raise InputError("no such file or folder; name listing files or folders of them", str(path))
    return sorted(found, key=lambda p: (str(p.resolve()), str(p)))


def load_listing_info(folder: Path) -> dict[str, ListingInfo]:
    """Read ``listings.yml`` in a folder, if present: ``{file name: {year: N}}``."""
    path = folder / META_FILE
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc, text)
        raise InputError(f"invalid YAML: {problem}; fix the file and run again", str(path), line) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of listing file names to their facts", str(path), 1)
    info = {}
    for name, facts in data.items():
        year = (facts or {}).get("year") if isinstance(facts, dict) else None
        if year is not None and not isinstance(year, int):
            raise InputError(f"'{name}': year must be a whole number such as 2025", str(path))
        info[str(name)] = ListingInfo(year=year)
    return info


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def decode(data: bytes, name: str) -> str:
    """Bytes of a listing to text: UTF-8 with or without a byte-order mark."""
    if b"\x00" in data[:8192]:
        raise InputError("looks like a binary file, not a text listing; remove it or name text files only", name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte offset {exc.start}); save the listing as UTF-8 and run again", name, line
        ) from None


def read_listing(text: str, name: str, info: ListingInfo | None = None) -> Listing:
    """Parse the text of one listing file into entries and warnings."""
    listing = Listing(name)
    year = (info or ListingInfo()).year or _default_year(text)
    pending: Entry | None = None  # title and abstract read, metadata may follow
    title: tuple[str, int] | None = None  # a title waiting for its abstract
    meta_seen = False
    lines = text.splitlines()

    def warn(line: int, message: str) -> None:
        listing.diagnostics.append(Diagnostic(Source(name, line), message))

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            listing.entries.append(pending)
            pending = None

    for number, raw in _content_lines(lines):
        line = raw.strip()
        if line in CHROME:
            continue
        glued = _GLUED.match(line)
        if glued:
            line = line[glued.end() :]
        if _AUTHORS.match(line) or line == _DOT or _DATE.match(line) or _is_organisation(lines, number):
            if pending is None:
                if title is None and not listing.entries and _DATE.match(line):
                    continue  # the page's own date above the first paper
                where = f"title at line {title[1]} has no abstract yet" if title else "no paper precedes it"
                warn(number, f"metadata line {line!r} out of place ({where}); ignored")
                continue
            pending = _apply_metadata(pending, line, number, year, warn)
            meta_seen = True
            continue
        if meta_seen:
            flush()
            meta_seen = False
        if title is None:
            flush()
            title = (line, number)
        else:
            pending = Entry(title=title[0], abstract=line, source=Source(name, title[1]))
            title = None
    flush()
    if title is not None:
        warn(title[1], f"title {_short(title[0])} has no abstract after it (end of file); the paper is skipped")
    return listing


def _content_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield number, line


def _is_organisation(lines: list[str], number: int) -> bool:
    """An organisation line stands right before a ``·`` line, where an authors line would."""
    following = lines[number] if number < len(lines) else ""
    line = lines[number - 1].strip()
    return following.strip() == _DOT and not _AUTHORS.match(line) and line != _DOT


def _apply_metadata(entry: Entry, line: str, number: int, year: int | None, warn) -> Entry:  # type: ignore[no-untyped-def]
    if m := _AUTHORS.match(line):
        return replace(entry, authors=int(m["n"]))
    if line == _DOT:
        return entry
    if m := _DATE.match(line):
        when_year = int(m["year"]) if m["year"] else year
        upvotes = int(m["up"]) if m["up"] else entry.upvotes
        if when_year is None:
            warn(number, f"date {line!r} has no year; state the listing's year in {META_FILE}")
            return replace(entry, upvotes=upvotes)
        try:
            date = dt.date(when_year, _MONTHS[m["mon"]], int(m["day"]))
        except (KeyError, ValueError):
            warn(number, f"{line!r} is not a valid date; ignored")
            return entry
        return replace(entry, date=date, upvotes=upvotes)
    handle, _, display = line.partition(" ")
    return replace(entry, organisation=Organisation(handle=handle, name=display.strip() or handle))


def _default_year(text: str) -> int | None:
    """Pages show the year only for dates outside the current one: so one after the newest shown."""
    years = [int(y) for y in re.findall(r"^[A-Z][a-z]{2} \d{1,2}, (\d{4})(?: \d+)?$", text, re.MULTILINE)]
    return max(years) + 1 if years else None


def _short(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")
