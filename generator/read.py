"""Listing files to entries, by structure: page chrome, title, abstract, optional metadata lines.

Three layouts are read by one reader. Blank-line separated blocks (with or without metadata after
the abstract) and the compact layout, where title and abstract alternate line by line and the first
title may be glued to ``Subscribe``. A title is the first content line after chrome or after the
previous entry; the next content line is its abstract. Metadata lines (``• 7 authors``, ``·``, a date
with optional upvotes, an organisation line) close an entry.

A missing line must not shift every later title onto the previous abstract, so the reader checks
the pairing where the text allows it. A line *reads like an abstract* when it is longer than
``ABSTRACT_LENGTH`` characters, or longer than ``TITLE_LENGTH`` with two or more sentence breaks
(``word. Next``); no title in the bundled listings comes close (the longest has 174 characters and
one break), and no abstract is shorter than 375 characters. Then:

* a line that reads like an abstract where a title is expected is an abstract whose title is
  missing: it is skipped with a warning, with the metadata lines that follow it;
* a title followed by a line that could be a title and then a line that reads like an abstract has
  no abstract of its own: it is skipped with a warning and the next line is the title;
* metadata out of a block's order (authors or organisation, ``·``, date), such as an authors line
  after a date, starts a block with no title and abstract before it: it is ignored with a warning.

Listings whose abstracts are short and whose titles are long can still pair wrongly; the reader
then falls back in step at the next abstract that reads like one, and says where.

An abstract may run over several lines: arXiv text is copied with each paragraph on its own line,
no blank line between. In the blank-line layouts a text line right below an abstract line (no blank
line between, no metadata read yet) continues that abstract (``_Pairing.continues``) when a blank
line, metadata or the end of the file follows it, or when it reads like an abstract itself. A line
with another text line right below it is the next title, as in the block layout whose titles and
abstracts have no blank line between (a lost blank line must not swallow a paper). In the compact
layout every line is right below another, so there a line after an abstract is always a title.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .errors import InputError, yaml_problem
from .model import Diagnostic, Entry, Organisation, Source

LISTING_SUFFIXES = (".txt",)
"""Files in a listings folder that are read; others are skipped with a note."""

META_FILE = "listings.yml"
"""Optional file beside the listings stating facts about them (e.g. the year of undated lines)."""

TITLE_LENGTH = 200
"""A longer line with two or more sentence breaks reads like an abstract, not a title."""

ABSTRACT_LENGTH = 400
"""A longer line always reads like an abstract, not a title."""

MAX_AUTHORS = 10_000
"""The largest author count read (the longest author list published has 5,154); above it, a warning."""

MAX_UPVOTES = 1_000_000
"""The largest upvote count read (the most upvoted papers have a few thousand); above it, a warning."""

EARLIEST = dt.date(1990, 1, 1)
"""The earliest date a paper is shown with; an earlier one is a warning and the paper is undated."""

LATEST = dt.date(2099, 12, 31)
"""The latest date a paper is shown with (the site's build date must fit 32 bits of seconds: 2106)."""

LATE = dt.timedelta(days=366)
"""A date more than this after every other date read may be a slip (2095 for 2025): see ``late_dates``."""

LATE_SPREAD = 3
"""How many times the span of the other dates a slip stands after the newest of them, at least."""

LATE_BELOW = 3
"""How many distinct dates below a date it takes to call it a slip."""

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
# Spaces in a date line may be any run of spaces or tabs: ``Feb 29, 2024  117`` is a date and upvotes.
_DATE = re.compile(r"^(?P<mon>[A-Z][a-z]{2})[ \t]+(?P<day>\d{1,2})(?:,[ \t]*(?P<year>\d{4}))?(?:[ \t]+(?P<up>\d+))?$")
_AUTHORS = re.compile(r"^•\s*(?P<n>\d+) authors?$")
_DOT = "·"
_GLUED = re.compile(r"^Subscribe(?!(?:d|rs?|s)\b)(?=\S)")  # "SubscribeXLM-T: ...", not "Subscribers ..."
_SENTENCE_BREAK = re.compile(r"[^\s.][.!?][\"')\]”’]* +[\"'(“‘]?[A-Z0-9]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))
_ORGANISATION_LENGTH = 120
_BLANK_SEPARATED = 0.25  # share of text lines after a blank line above which papers are blank-separated
_BINARY_SAMPLE = 8192
_BYTE_ORDER_MARKS = (
    ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
    ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
)
_NAMES_SHOWN = 10

Warn = Callable[[int, str], None]


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


@dataclass(frozen=True)
class Note(Diagnostic):
    """Something about the input worth saying that is not a problem (a skipped file); line 0: none."""

    def __str__(self) -> str:
        where = str(self.source) if self.source.line else self.source.file
        return f"{where}: note: {self.message}"


@dataclass
class Found:
    """The listing files the user named, each once, and notes on what was skipped or named twice."""

    files: list[Path] = field(default_factory=list)
    """The files to read, sorted so that the order of the names given changes nothing."""
    notes: list[Diagnostic] = field(default_factory=list)
    """Skipped files and files named more than once."""


@dataclass
class Reading:
    """Everything read from the listings the user named."""

    entries: list[Entry] = field(default_factory=list)
    """Complete entries, file by file in the order of ``Found.files``."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Notes, then each file's warnings."""


def read_paths(paths: Iterable[Path]) -> Reading:
    """Read every listing in the files and folders named; an error when no paper is found at all."""
    paths = list(paths)
    found = gather_listings(paths)
    reading = Reading(diagnostics=list(found.notes))
    infos: dict[Path, dict[str, ListingInfo]] = {}
    shown = site_names(found.files, paths)
    listings: list[Listing] = []
    for path in found.files:
        folder = path.resolve().parent  # where a linked listing's listings.yml is
        if folder not in infos:  # once per folder, not once per file
            infos[folder] = load_listing_info(folder)
        info = infos[folder].get(path.resolve().name)
        name = display_path(path)
        listings.append(read_listing(decode(read_bytes(path, name), name), name, info, shown[path]))
    late = late_dates(e.date for listing in listings for e in listing.entries if e.date)
    for listing in listings:
        if late:
            _undate(listing, late)
        reading.entries.extend(listing.entries)
        reading.diagnostics.extend(listing.diagnostics)
    empty = [listing for listing in listings if not listing.entries]
    if not reading.entries:
        raise _nothing_found(paths, empty, found.notes)
    return reading


def late_dates(dates: Iterable[dt.date]) -> dict[dt.date, dt.date]:
    """Dates that stand far after every other date read, each with the newest date that does not.

    A typing slip (2095 for 2025) would stretch the timeline over decades. From the newest date
    down, a date is a slip while it is more than ``LATE`` after the next one and more than
    ``LATE_SPREAD`` times as far from it as the dates below it span, with ``LATE_BELOW`` dates below
    it at least: a few papers years apart (2017, 2018, 2020) are no slip.
    """
    distinct = sorted(set(dates), reverse=True)
    late = []
    for index, newer in enumerate(distinct[:-LATE_BELOW]):
        below = distinct[index + 1 :]
        if newer - below[0] <= max(LATE, LATE_SPREAD * (below[0] - below[-1])):
            break
        late.append(newer)
    return dict.fromkeys(late, distinct[len(late)]) if late else {}


def _undate(listing: Listing, late: dict[dt.date, dt.date]) -> None:
    """Papers of the listing dated after every other date lose the date, each with a warning."""
    for index, entry in enumerate(listing.entries):
        if entry.date in late:
            newest = late[entry.date]
            listing.diagnostics.append(
                Diagnostic(
                    entry.source,
                    f"the paper's date {_date_text(entry.date)} is more than a year after every other date "
                    f"read (the newest: {_date_text(newest)}); the paper is shown undated: correct the year",
                )
            )
            listing.entries[index] = replace(entry, date=None)
    listing.diagnostics.sort(key=lambda d: d.source.line)


def _date_text(date: dt.date) -> str:
    return f"{date:%b} {date.day}, {date.year:04d}"


def find_listings(paths: Iterable[Path]) -> list[Path]:
    """The listing files the user named: files as given, folders searched for ``*.txt``.

    Sorted and deduplicated, so the order on the command line changes nothing.
    """
    return gather_listings(paths).files


def gather_listings(paths: Iterable[Path]) -> Found:
    """Listing files named or found in folders named, each read once, with notes on what is skipped.

    A folder is searched for ``*.txt`` files; other files, and files and folders whose names start
    with a dot (``.DS_Store``, ``._x.txt`` from macOS archives), are skipped and named in a note.
    ``listings.yml`` is read as the folder's facts. A file named directly is read whatever its name.
    A link is followed only to a file inside the folder named (for a file named directly, the folder
    it is named in), never to a folder: a build publishes whatever it reads (``/etc/passwd``).
    """
    names: dict[tuple[int, int], list[Path]] = {}
    notes: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            listings, skipped, links = _search_folder(path)
            for listing in listings:
                names.setdefault(_identity(listing), []).append(listing)
            if skipped:
                notes.append(Note(Source(display_path(path), 0), _skipped_message(skipped)))
            if links:
                notes.append(Note(Source(display_path(path), 0), _links_message(links, display_path(path))))
        elif path.is_file() and _leaves(path, path.parent.resolve()):
            notes.append(Note(Source(printable(path), 0), _links_message([], display_path(path.parent))))
        elif path.is_file():
            names.setdefault(_identity(path), []).append(path)
        elif path.exists():
            raise InputError("not a file or a folder; name listing files or folders of them", printable(path))
        else:
            raise InputError("no such file or folder; name listing files or folders of them", printable(path))
    files = []
    for aliases in names.values():
        aliases.sort(key=_order)
        files.append(aliases[0])
        if len(aliases) > 1:
            spellings = sorted({display_path(a) if a.is_absolute() else printable(a) for a in aliases})
            how = f"as {', '.join(map(repr, spellings))}" if len(spellings) > 1 else f"{len(aliases)} times"
            notes.append(Note(Source(display_path(aliases[0]), 0), f"named more than once ({how}); read once"))
    files.sort(key=_order)
    return Found(files, sorted(set(notes), key=lambda n: (n.source.file, n.message)))


def _search_folder(folder: Path) -> tuple[list[Path], list[str], list[str]]:
    """The ``*.txt`` files under a folder; the names (relative to it) of everything skipped, and of
    the links not followed (to folders, or to files outside it)."""
    listings: list[Path] = []
    skipped: list[str] = []
    links: list[str] = []
    inside = folder.resolve()

    def unreadable(error: OSError) -> None:
        raise InputError(
            f"cannot be read ({error.strerror}); check its permissions", printable(error.filename or str(folder))
        )

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        here = Path(root)
        for name in sorted(dirs):
            if name.startswith("."):
                skipped.append(printable((here / name).relative_to(folder)) + "/")
            elif (here / name).is_symlink():
                links.append(printable((here / name).relative_to(folder)) + "/")
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(files):
            path = here / name
            if name == META_FILE:
                continue
            if not name.startswith(".") and path.suffix in LISTING_SUFFIXES and path.is_file():
                if _leaves(path, inside):
                    links.append(printable(path.relative_to(folder)))
                else:
                    listings.append(path)
            else:
                skipped.append(printable(path.relative_to(folder)))
    return listings, sorted(skipped), sorted(links)


def _leaves(path: Path, folder: Path) -> bool:
    """Whether ``path`` is a link to a file outside ``folder`` (resolved)."""
    return path.is_symlink() and _outside(path, folder)


def _identity(path: Path) -> tuple[int, int]:
    """The same file under any name: a file named twice, through a link or via its folder."""
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror})", printable(path)) from None
    return status.st_dev, status.st_ino


def _order(path: Path) -> tuple[str, str]:
    return str(path.resolve()), str(path)


def _skipped_message(skipped: list[str]) -> str:
    shown = ", ".join(skipped[:_NAMES_SHOWN])
    more = f" and {len(skipped) - _NAMES_SHOWN} more" if len(skipped) > _NAMES_SHOWN else ""
    return f"not read (only *.txt files are, and none whose name starts with a dot): {shown}{more}"


def _links_message(links: list[str], folder: str) -> str:
    """The note on links not followed: to folders, or out of the folder the user named."""
    shown = ", ".join(links[:_NAMES_SHOWN])
    more = f" and {len(links) - _NAMES_SHOWN} more" if len(links) > _NAMES_SHOWN else ""
    what = f": {shown}{more}" if links else ""
    return (
        f"not read: a link to a folder, or to a file outside {folder}, is not followed, since a build publishes "
        f"what it reads{what}; copy a listing into {folder} to read it"
    )


def _nothing_found(paths: list[Path], empty: list[Listing], notes: list[Diagnostic]) -> InputError:
    """The error for input with no paper at all: building it would replace the site with an empty one."""
    where = ", ".join(printable(p) for p in paths)
    if not empty:
        skipped = "".join(f". {note.source.file}: {note.message}" for note in notes)
        return InputError(
            "no listing files (*.txt) found; copy listing pages into .txt files there (see README, 'Adding listings')"
            + skipped,
            where,
        )
    if len(empty) == 1:
        (listing,) = empty
        found = next(d for d in listing.diagnostics if d.message.startswith("no papers found"))
        others = [d for d in listing.diagnostics if d is not found]
        then = (
            f". Line {others[0].source.line}: {others[0].message}" if others else ": copy a listing page's text into it"
        )
        return InputError(
            f"{found.message.split(';')[0]}; there is nothing to build, so nothing was changed{then}", listing.path
        )
    return InputError(
        f"no papers found in any of the {len(empty)} listing files read ({', '.join(e.path for e in empty[:5])}"
        f"{', ...' if len(empty) > 5 else ''}); there is nothing to build, so nothing was changed",
        where,
    )


def load_listing_info(folder: Path) -> dict[str, ListingInfo]:
    """Read ``listings.yml`` in a folder, if present: ``{file name: {year: N}}``."""
    path = folder / META_FILE
    if not path.is_file():
        return {}
    name = display_path(path)
    text = decode(read_bytes(path, name), name)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc, text)
        raise InputError(f"invalid YAML: {problem}; fix the file and run again", name, line) from None
    except ValueError:  # a number of thousands of digits, which Python refuses to convert
        raise InputError("holds a number of more than 4,300 digits; fix the file and run again", name) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of listing file names to their facts", name, 1)
    info = {}
    for key, facts in data.items():
        year = (facts or {}).get("year") if isinstance(facts, dict) else None
        if year is not None and (
            not isinstance(year, int) or isinstance(year, bool) or not EARLIEST.year <= year <= LATEST.year
        ):
            raise InputError(
                f"'{key}': year must be a whole number from {EARLIEST.year} to {LATEST.year}, such as 2025", name
            )
        info[str(key)] = ListingInfo(year=year)
    return info


def site_names(files: Iterable[Path], named: Iterable[Path] = ()) -> dict[Path, str]:
    """How the site names each listing file: a relative path, never an absolute or home path.

    Inside the working folder (the project) it is the path relative to it, as messages name it.
    Outside, it is relative to the folder above the deepest folder holding the listings and folders
    the user named, so the name keeps that folder's name (``../elsewhere/a.txt`` gives
    ``elsewhere/a.txt``); relative to that folder itself when it is the home folder or above it.
    """
    here = Path.cwd().resolve()
    names: dict[Path, str] = {}
    outside: dict[Path, Path] = {}
    for path in files:
        try:
            names[path] = printable(path.resolve().relative_to(here))
        except ValueError:
            outside[path] = Path(os.path.abspath(path))
    if not outside:
        return names
    roots = [a.parent for a in outside.values()]
    roots += [Path(os.path.abspath(p)) for p in named if p.is_dir() and _outside(p, here)]
    try:
        common = Path(os.path.commonpath(roots))
    except ValueError:  # on different drives: each file's folder and name
        return names | {path: printable(f"{a.parent.name}/{a.name}".lstrip("/")) for path, a in outside.items()}
    try:
        home: Path | None = Path.home()
    except RuntimeError:  # no home folder known
        home = None
    above_home = home is not None and (common == home or common in home.parents)
    base = common if above_home or common == common.parent else common.parent
    return names | {path: printable(a.relative_to(base)) for path, a in outside.items()}


def _outside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return True
    return False


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working folder when inside it."""
    try:
        return printable(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return printable(path)


def printable(path: Path | str) -> str:
    """A path as text every output can hold: the bytes of a name that is not UTF-8 as ``\\xff``.

    Python keeps such bytes as lone surrogates, which no UTF-8 page, export or terminal takes.
    """
    text = path.as_posix() if isinstance(path, Path) else path
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a file, or an input error naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror}); check the file and its permissions", name) from None


def decode(data: bytes, name: str) -> str:
    """Bytes of a listing to text: UTF-8 with or without a byte-order mark, or UTF-16 or UTF-32 with one.

    Anything else is an error naming the byte offset and line: text decoded with a guessed code page
    would put wrong letters on the site without anyone noticing. So is a NUL character, in any of them.
    """
    for marks, encoding in _BYTE_ORDER_MARKS:  # UTF-32's marks first: UTF-16's begin them
        if data.startswith(marks):
            return _decode_marked(data, encoding, name)
    zero = data.find(b"\x00")
    if zero >= 0:
        line = data.count(b"\n", 0, zero) + 1
        sample = data[:_BINARY_SAMPLE]
        utf16 = max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4
        kind = "UTF-16 text without a byte-order mark" if utf16 else "a binary file (an image, PDF or document?)"
        raise InputError(
            f"a zero byte at byte offset {zero}: this looks like {kind}, not a text listing; "
            "save listings as UTF-8 text, or remove the file",
            name,
            line,
            offset=zero,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = " ".join(f"0x{b:02x}" for b in data[exc.start : exc.end])
        raise InputError(
            f"not valid UTF-8 at byte offset {exc.start} (byte {bad}); the file is probably in "
            "another encoding such as Windows-1252: save it as UTF-8 (e.g. `iconv -f windows-1252 -t utf-8 "
            "in.txt > out.txt`) and run again",
            name,
            line,
            offset=exc.start,
        ) from None


def _decode_marked(data: bytes, encoding: str, name: str) -> str:
    """Text with a UTF-16 or UTF-32 byte-order mark; an error when it is not valid or holds a NUL."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"starts like {encoding.upper()} text but is not valid {encoding.upper()} (byte offset {exc.start}); "
            "save the listing as UTF-8 and run again",
            name,
        ) from None
    zero = text.find("\x00")
    if zero >= 0:
        raise InputError(
            f"a NUL character (U+0000) in {encoding.upper()} text: this is not a text listing, or a damaged one; "
            "remove the character, or save the listing as UTF-8 text, and run again",
            name,
            len(split_lines(text[:zero])),
        )
    return text


@dataclass(frozen=True, slots=True)
class _Line:
    """A content line of a listing: its number, stripped text, and whether it is metadata."""

    number: int
    text: str
    meta: bool
    after_blank: bool = False
    """Whether a blank line (or the start of the file) is right above it."""


def read_listing(text: str, name: str, info: ListingInfo | None = None, shown: str = "") -> Listing:
    """Parse the text of one listing file into entries and warnings.

    ``name`` is the file as messages name it, ``shown`` as the site does (``site_names``; ``name``
    when not given)."""
    listing = Listing(name)
    lines = split_lines(text)
    year = (info or ListingInfo()).year or _default_year(lines)

    def warn(line: int, message: str) -> None:
        listing.diagnostics.append(Diagnostic(Source(name, line), message))

    tokens = list(_tokens(lines))
    _Pairing(Source(name, 0, shown), year, warn, listing.entries, _blank_separated(tokens)).run(tokens)
    if not listing.entries:
        if not any(line.strip() for line in lines):
            reason = "the file is empty"
        elif not tokens:
            reason = "it holds only page chrome such as 'Daily Papers'"
        else:
            reason = "no title is followed by an abstract"
        warn(1, f"no papers found ({reason}); copy a listing page's text into the file, or remove it")
    listing.diagnostics.sort(key=lambda d: d.source.line)
    return listing


def split_lines(text: str) -> list[str]:
    """Text to lines at ``\\n``, ``\\r\\n`` or ``\\r`` only, so line numbers match an editor's.

    ``str.splitlines`` also breaks at form feeds, ``\\x85`` and U+2028, which copied web text holds
    inside a title or an abstract; breaking there would split the paper in two.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def reads_like_abstract(line: str) -> bool:
    """Whether a line cannot be a title: very long, or long with two or more sentence breaks."""
    if len(line) > ABSTRACT_LENGTH:
        return True
    return len(line) > TITLE_LENGTH and len(_SENTENCE_BREAK.findall(line)) >= 2


def _tokens(lines: list[str]) -> Iterator[_Line]:
    """Content lines without chrome, ``Subscribe`` unglued from the first title, the page's date dropped."""
    text_seen = False
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line in CHROME or not line.translate(_INVISIBLE).strip():
            continue
        if not text_seen and (glued := _GLUED.match(line)):
            line = line[glued.end() :]
        meta = bool(_AUTHORS.match(line) or line == _DOT or _DATE.match(line) or _is_organisation(lines, number))
        if meta and not text_seen and _DATE.match(line):
            continue  # the page's own date above the first paper
        text_seen = text_seen or not meta
        yield _Line(number, line, meta, number == 1 or not lines[number - 2].translate(_INVISIBLE).strip())


def _blank_separated(tokens: list[_Line]) -> bool:
    """Whether papers are separated by blank lines (the block layouts), not alternating line by line.

    In the block layouts every title, and in some every abstract too, stands after a blank line; in
    the compact layout none does, but for a stray blank line where two copied pages were joined.
    """
    text = [t for t in tokens if not t.meta]
    return bool(text) and sum(t.after_blank for t in text) > _BLANK_SEPARATED * len(text)


class _Pairing:
    """Titles paired with abstracts and their metadata, falling back in step after a missing line."""

    def __init__(self, file: Source, year: int | None, warn: Warn, entries: list[Entry], blank_separated: bool) -> None:
        self.file, self.year, self.warn, self.entries = file, year, warn, entries  # file: line 0
        self.blank_separated = blank_separated  # papers separated by blank lines: abstracts may run on
        self.last = 0  # the last line of the entry's abstract
        self.title: _Line | None = None  # a title waiting for its abstract
        self.held: list[_Line] = []  # metadata lines between that title and its abstract
        self.entry: Entry | None = None  # title and abstract read, metadata may follow
        self.rank = -1  # the place in a metadata block (authors or organisation, ·, date) reached
        self.ignoring = False  # metadata of a skipped paper or a repeated block

    def run(self, tokens: list[_Line]) -> None:
        """Read every content line in order."""
        for index, token in enumerate(tokens):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if token.meta:
                self.metadata(token)
            elif self.continues(token, following):
                assert self.entry is not None
                self.entry = replace(self.entry, abstract=f"{self.entry.abstract} {token.text}")
                self.last = token.number
            elif self.title is None:
                self.close()
                if reads_like_abstract(token.text):
                    self.warn(
                        token.number,
                        f"{_short(token.text)} reads like an abstract, but no title precedes it; the paper is "
                        "skipped: add its title on the line before it",
                    )
                    self.ignoring = True
                else:
                    self.title = token
            else:
                if (
                    following is not None
                    and not following.meta
                    and reads_like_abstract(following.text)
                    and not reads_like_abstract(token.text)
                ):
                    self.skip_title(
                        f"line {token.number} looks like the next title, line {following.number} like its abstract"
                    )
                    self.title = token
                else:
                    self.pair(token)
        if self.title is not None:
            self.skip_title("end of file")
        self.close()

    def continues(self, line: _Line, following: _Line | None) -> bool:
        """Whether a text line continues the abstract just read (a paragraph on its own line).

        In the blank-line layouts only, for a line right below the abstract (no blank line between,
        no metadata read yet): it ends its block (a blank line, metadata or the end of the file
        follows), or it cannot be a title. A line with text right below it may be the next title
        with its abstract, which is how it is read.
        """
        if not self.blank_separated or self.entry is None or self.rank >= 0 or self.ignoring:
            return False
        if line.number != self.last + 1:
            return False
        ends_block = following is None or following.meta or following.number > line.number + 1
        return ends_block or reads_like_abstract(line.text)

    def pair(self, abstract: _Line) -> None:
        """The waiting title gets its abstract; metadata held between them is reported out of place."""
        assert self.title is not None
        for line in self.held:
            self.warn(
                line.number,
                f"metadata line {_short(line.text)} out of place (title at line {self.title.number} has no abstract yet); "
                "ignored",
            )
        self.entry = Entry(
            title=self.title.text, abstract=abstract.text, source=replace(self.file, line=self.title.number)
        )
        self.title, self.held, self.last = None, [], abstract.number

    def skip_title(self, reason: str) -> None:
        """The waiting title has no abstract: a warning, and the paper is left out."""
        assert self.title is not None
        if self.held:
            reason = f"metadata follows it at line {self.held[0].number}; {reason}"
        self.warn(
            self.title.number,
            f"title {_short(self.title.text)} has no abstract after it ({reason}); the paper is skipped: "
            "add its abstract on the line after it (or, if the line is an abstract, its title before it)",
        )
        self.title, self.held = None, []

    def metadata(self, line: _Line) -> None:
        """A metadata line: part of the entry's block, held, or out of place."""
        if self.ignoring:
            return
        if self.entry is not None:
            rank = _metadata_rank(line.text)
            if rank <= self.rank:
                self.warn(
                    line.number,
                    f"metadata line {_short(line.text)} starts a second metadata block after the paper at line "
                    f"{self.entry.source.line}, with no title and abstract before it (a paper is missing here?); "
                    "the block is ignored",
                )
                self.ignoring = True
                return
            self.rank = rank
            self.entry = _apply_metadata(self.entry, line.text, line.number, self.year, self.warn)
        elif self.title is not None:
            self.held.append(line)
        else:
            self.warn(line.number, f"metadata line {_short(line.text)} out of place (no paper precedes it); ignored")
            self.ignoring = True

    def close(self) -> None:
        """The entry read so far is complete."""
        if self.entry is not None:
            self.entries.append(self.entry)
        self.entry, self.rank, self.ignoring = None, -1, False


def _is_organisation(lines: list[str], number: int) -> bool:
    """An organisation line stands right before a ``·`` line, where an authors line would."""
    if number >= len(lines) or lines[number].strip() != _DOT:
        return False
    line = lines[number - 1].strip()
    return not _AUTHORS.match(line) and line != _DOT and len(line) <= _ORGANISATION_LENGTH


def _metadata_rank(line: str) -> int:
    """The place of a metadata line in its block: authors or organisation, then ``·``, then the date."""
    if line == _DOT:
        return 1
    if _DATE.match(line):
        return 2
    return 0


def _apply_metadata(entry: Entry, line: str, number: int, year: int | None, warn: Warn) -> Entry:
    if m := _AUTHORS.match(line):
        authors = _count(m["n"], MAX_AUTHORS, "author count", number, warn)
        return entry if authors is None else replace(entry, authors=authors)
    if line == _DOT:
        return entry
    if m := _DATE.match(line):
        when_year = int(m["year"]) if m["year"] else year
        upvotes = entry.upvotes
        if m["up"] and (count := _count(m["up"], MAX_UPVOTES, "upvote count", number, warn)) is not None:
            upvotes = count
        if when_year is None:
            warn(number, f"date {_short(line)} has no year; state the listing's year in {META_FILE}")
            return replace(entry, upvotes=upvotes)
        try:
            date = dt.date(when_year, _MONTHS[m["mon"]], int(m["day"]))
        except (KeyError, ValueError):
            warn(number, f"{_short(line)} is not a valid date; ignored")
            return entry
        if not EARLIEST <= date <= LATEST:
            warn(
                number,
                f"date {_date_text(date)} is outside the years the site shows ({EARLIEST.year} to {LATEST.year}); "
                "the paper is shown undated: correct the year",
            )
            return replace(entry, upvotes=upvotes)
        return replace(entry, date=date, upvotes=upvotes)
    handle, _, display = line.partition(" ")
    return replace(entry, organisation=Organisation(handle=handle, name=display.strip() or handle))


def _count(digits: str, limit: int, what: str, number: int, warn: Warn) -> int | None:
    """A count from a metadata line, or a warning and None above ``limit``.

    Compared as digits before converting: Python refuses to convert more than 4,300 of them.
    """
    significant = digits.lstrip("0") or "0"
    if len(significant) <= len(str(limit)) and int(significant) <= limit:
        return int(significant)
    shown = significant if len(significant) <= 20 else f"{significant[:12]}… ({len(significant):,} digits)"
    warn(number, f"{what} {shown} is more than {limit:,}, which no paper has; ignored: correct the line")
    return None


def _default_year(lines: list[str]) -> int | None:
    """Pages show the year only for dates outside the current one: so one after the newest shown."""
    years = [
        int(m["year"])
        for line in lines
        if (m := _DATE.match(line.strip())) and m["year"] and EARLIEST.year <= int(m["year"]) <= LATEST.year
    ]
    return max(years) + 1 if years else None


def _short(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")
