"""Convert an archive of Hugging Face Daily Papers into listing files (layout 2, with metadata).

The source is the public repository ``2404589803/hf-daily-paper-newsletter-chinese`` (Apache-2.0),
fetched as ``github:2404589803/hf-daily-paper-newsletter-chinese``; the corpus in
``bench/corpora/README.md`` was made from commit ``7cffe8b89a260c24d18f5c4674d4d2ff2aa09c1d``
(2026-08-21). Its folder ``Paper_metadata_download/`` holds one file per day, ``YYYY-MM-DD.json``:
the answer of the Hugging Face ``/api/daily_papers`` endpoint for that day (2024-05-27 onwards),
with each paper's arXiv id, title, full abstract (``paper.summary``), authors, arXiv date and
upvotes. Most files are a JSON list of objects; some are a list of Python ``repr`` strings of those
objects, and one is ``{"status": ..., "data": [...]}``; all three are read.

SOURCE may be either

* a bare git directory of the repository (``git clone --bare``): the files are
  read with ``git`` at ``--rev`` (default: the commit above), so no work tree is needed; or
* a folder of the day files, e.g. exported with
  ``git --git-dir=REPO archive COMMIT Paper_metadata_download | tar -x -C DIR`` and given as
  ``DIR/Paper_metadata_download`` (or ``DIR``: the folder is searched for ``YYYY-MM-DD.json``).

Each paper becomes one block of the "with metadata" layout the generator reads::

    Title (the daily list's title, LaTeX kept)
    Abstract, its line breaks joined with spaces, otherwise as given
      • 7 authors
    ·
    Aug 5, 2025 17

The date is the paper's arXiv date (``paper.publishedAt``), as the Daily Papers page shows it; the
number after it is the upvote count the archive recorded (left out when 0). Papers are grouped by
the month of the day file that lists them, one file per month (``daily-papers-YYYY-MM.txt``), in
day order and, within a day, in the archive's order. A paper listed on two days appears twice, as
it would in two copied pages. Entries with an empty title or abstract are skipped and counted.

The output is deterministic: input files are read in sorted order and nothing depends on the clock.
``--sample FILE`` also writes every k-th entry of the whole corpus (about ``--sample-size`` entries)
to one file.

Usage::

    python scripts/convert_daily_papers.py hf-daily.git ../corpora/hf-daily \\
        --sample bench/corpora/daily-papers-sample.txt

Standard library only; Python 3.11+.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE_REPO = "2404589803/hf-daily-paper-newsletter-chinese"
"""The GitHub repository the day files come from."""

SOURCE_COMMIT = "7cffe8b89a260c24d18f5c4674d4d2ff2aa09c1d"
"""The commit the published corpus was made from (read from a bare git dir unless ``--rev``)."""

ARCHIVE_FOLDER = "Paper_metadata_download"
"""The folder of day files inside the repository."""

DAY_FILE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.json$")
"""A day file's name: the date of the daily list it holds."""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")
"""A line break in an abstract or title with the spaces around it (arXiv wraps at ~80 columns)."""


@dataclass(frozen=True)
class Paper:
    """One entry of a daily list, as written to a listing."""

    day: str
    """The daily list's date (the day file's name), ``YYYY-MM-DD``."""
    arxiv_id: str
    """The paper's arXiv id (counted, not written: the listing layout has no place for it)."""
    title: str
    abstract: str
    authors: int
    published: dt.date | None
    """The paper's arXiv date."""
    upvotes: int


def one_line(text: str) -> str:
    """Join the text's lines with single spaces and strip its ends; nothing else is changed."""
    return _LINE_BREAK.sub(" ", text).strip()


def parse_day_file(raw: str, name: str) -> list[dict[str, Any]]:
    """The entries of one day file, whichever of the three shapes it has."""
    data: Any = json.loads(raw)
    if isinstance(data, dict):  # {"status": "success", "date": ..., "count": ..., "data": [...]}
        data = data.get("data", [])
    if not isinstance(data, list):
        raise ValueError(f"{name}: expected a list of papers, found {type(data).__name__}")
    entries: list[dict[str, Any]] = []
    for item in data:
        if isinstance(item, str):  # a Python repr of the API object (True/False/None, single quotes)
            item = ast.literal_eval(item)
        if not isinstance(item, dict):
            raise ValueError(f"{name}: expected a paper object, found {type(item).__name__}")
        entries.append(item)
    return entries


def iter_folder(folder: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every day file under ``folder``, sorted by name."""
    files = sorted((p for p in folder.rglob("*.json") if DAY_FILE.match(p.name)), key=lambda p: p.name)
    for path in files:
        yield path.name, path.read_text(encoding="utf-8")


def is_git_dir(path: Path) -> bool:
    """Whether ``path`` is a (bare) git directory rather than a folder of exported files."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def iter_git(git_dir: Path, rev: str) -> Iterator[tuple[str, str]]:
    """(name, text) of every day file in ``ARCHIVE_FOLDER`` at ``rev``, sorted by name."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True, encoding="utf-8"
        ).stdout

    names = sorted(
        line.rsplit("/", 1)[-1]
        for line in git("ls-tree", "-r", "--name-only", rev, "--", f"{ARCHIVE_FOLDER}/").splitlines()
        if DAY_FILE.match(line.rsplit("/", 1)[-1])
    )
    for name in names:
        yield name, git("show", f"{rev}:{ARCHIVE_FOLDER}/{name}")


def to_paper(day: str, item: dict[str, Any]) -> Paper:
    """The listing entry of one API object; the daily list's title is preferred (it keeps LaTeX)."""
    paper = item.get("paper") or {}
    title = one_line(str(item.get("title") or paper.get("title") or ""))
    abstract = one_line(str(paper.get("summary") or item.get("summary") or ""))
    published: dt.date | None = None
    stamp = str(paper.get("publishedAt") or "")
    if stamp:
        published = dt.date.fromisoformat(stamp[:10])
    upvotes = paper.get("upvotes")
    return Paper(
        day=day,
        arxiv_id=str(paper.get("id") or ""),
        title=title,
        abstract=abstract,
        authors=len(paper.get("authors") or []),
        published=published,
        upvotes=upvotes if isinstance(upvotes, int) and upvotes > 0 else 0,
    )


def format_entry(paper: Paper) -> str:
    """The paper as a block of the "with metadata" layout (no trailing blank line)."""
    lines = [paper.title, paper.abstract]
    if paper.authors:
        lines.append(f"  • {paper.authors} {'author' if paper.authors == 1 else 'authors'}")
    if paper.published:
        date = f"{MONTHS[paper.published.month - 1]} {paper.published.day}, {paper.published.year}"
        if paper.upvotes:
            date += f" {paper.upvotes}"
        lines += ["·", date]
    return "\n".join(lines)


def write_listing(path: Path, papers: list[Paper]) -> None:
    """Write the papers as one listing file: blocks separated by blank lines, UTF-8, ``\\n`` endings."""
    path.write_text("\n\n".join(format_entry(p) for p in papers) + "\n", encoding="utf-8", newline="\n")


def read_papers(source: Path, rev: str) -> tuple[list[Paper], int, int]:
    """All papers in day order, the number of day files, and the number of entries skipped as empty."""
    files = iter_git(source, rev) if is_git_dir(source) else iter_folder(source)
    papers: list[Paper] = []
    days = skipped = 0
    for name, raw in files:
        days += 1
        day = name.removesuffix(".json")
        for item in parse_day_file(raw, name):
            paper = to_paper(day, item)
            if not paper.title or not paper.abstract:
                skipped += 1
                continue
            papers.append(paper)
    return papers, days, skipped


def main(argv: list[str] | None = None) -> int:
    """Convert SOURCE into one listing per month in OUT; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("source", type=Path, help="bare git dir of the fetched repository, or a folder of day files")
    parser.add_argument("out", type=Path, help="output folder (created; existing daily-papers-*.txt are replaced)")
    parser.add_argument("--rev", default=SOURCE_COMMIT, help="commit to read from a git dir (default: %(default)s)")
    parser.add_argument("--prefix", default="daily-papers", help="output file name prefix (default: %(default)s)")
    parser.add_argument("--sample", type=Path, help="also write every k-th entry of the corpus to this file")
    parser.add_argument("--sample-size", type=int, default=150, help="about how many entries the sample has")
    args = parser.parse_args(argv)

    if not args.source.exists():
        parser.error(f"{args.source} does not exist")
    try:
        papers, days, skipped = read_papers(args.source, args.rev)
    except (OSError, ValueError, SyntaxError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not papers:
        print(f"error: no papers found in {args.source}", file=sys.stderr)
        return 1

    by_month: dict[str, list[Paper]] = {}
    for paper in papers:
        by_month.setdefault(paper.day[:7], []).append(paper)
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob(f"{args.prefix}-*.txt"):
        stale.unlink()
    for month, group in sorted(by_month.items()):
        write_listing(args.out / f"{args.prefix}-{month}.txt", group)

    distinct = len({p.arxiv_id or p.title.casefold() for p in papers})
    first, last = papers[0].day, papers[-1].day
    print(
        f"read {days} day files ({first} to {last}); wrote {len(papers)} entries "
        f"({distinct} distinct papers) in {len(by_month)} files to {args.out}; skipped {skipped} empty"
    )
    if args.sample:
        step = max(1, len(papers) // max(1, args.sample_size))
        sample = papers[::step]
        args.sample.parent.mkdir(parents=True, exist_ok=True)
        write_listing(args.sample, sample)
        print(f"wrote {len(sample)} sample entries (every {step}th) to {args.sample}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
