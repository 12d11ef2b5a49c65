"""Command line: ``python -m generator build|check [PATH ...]`` and ``python -m generator search QUERY``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import search
from .errors import UserError
from .model import Diagnostic
from .terminal import as_json, say

if TYPE_CHECKING:
    from . import run

DEFAULT_LISTINGS = Path("data/listings")
DEFAULT_TOPICS = Path("data/topics.yml")
DEFAULT_SITE = Path("site")


def _program() -> str:
    """How the user ran us: ``python -m generator``, or the installed command's name."""
    name = Path(sys.argv[0]).name
    return "python -m generator" if name in ("__main__.py", "-c", "") else name


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the command, print a summary; return the exit code."""
    parser = argparse.ArgumentParser(prog=_program(), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("build", "generate docs/ from the listings and build site/ and site-offline/"),
        ("check", "read and validate the listings and the taxonomy; write nothing"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument(
            "paths", nargs="*", type=Path, metavar="PATH", help=f"listing files or folders (default {DEFAULT_LISTINGS})"
        )
        sub.add_argument(
            "--topics", type=Path, default=DEFAULT_TOPICS, help=f"taxonomy file (default {DEFAULT_TOPICS})"
        )
        sub.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
        sub.add_argument("--json", action="store_true", help="print a machine-readable report on standard output")
        sub.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
        if name == "build":
            sub.add_argument("--no-site", action="store_true", help="write docs/ only; skip the MkDocs builds")
            sub.add_argument(
                "--no-cache",
                action="store_true",
                help="compute everything afresh: neither read nor write what each paper's text gave earlier "
                "builds (kept in .cache/generator/)",
            )
            sub.add_argument(
                "--search",
                choices=search.ENGINES,
                default="auto",
                help="what answers the hosted site's search box: lunr (the whole index in the page), pagefind "
                f"(pieces fetched per query), or auto: lunr up to {search.LUNR_LIMIT:,} papers (default auto)",
            )
    _add_search_command(commands)
    _add_topics_command(commands)
    args = parser.parse_args(argv)
    if args.command == "search":
        return _search(args)
    if args.command == "topics":
        return _topics(args)
    # The stages (and scikit-learn, scipy, Jinja), the writer and the reader are imported only by the
    # commands that run them: `search` answers without loading them.
    from . import pipeline, write

    paths = args.paths or [DEFAULT_LISTINGS]
    started = time.perf_counter()
    try:
        if args.command == "build":
            with write.exclusive(Path.cwd()), write.transaction():
                report = pipeline.build(
                    paths,
                    args.topics,
                    Path.cwd(),
                    sites=not args.no_site,
                    quiet=args.quiet,
                    search_engine=args.search,
                    remember=not args.no_cache,
                )
        else:
            report = pipeline.check(paths, args.topics, quiet=args.quiet)
    except UserError as error:
        return _failed(error, args)
    except OSError as error:
        if not write.is_disk_full(error):
            raise
        # A full disk met outside the writes of write.py (the lock file, a temporary file).
        return _failed(write.no_space(Path.cwd() / "docs"), args)
    except KeyboardInterrupt:
        kept = "docs/, site/ and site-offline/ are as they were before this run"
        say(f"\ninterrupted: {kept if args.command == 'build' else 'nothing was written'}", error=True)
        if args.json:
            say(as_json({"ok": False, "error": "interrupted", "kind": "KeyboardInterrupt"}, indent=1))
        return 130
    seconds = time.perf_counter() - started
    for diagnostic in report.diagnostics:
        say(diagnostic, error=True)
    _summary(report, seconds, args.command)
    if args.json:
        say(as_json(_as_json(report, seconds), indent=1))
    return 1 if args.strict and _warnings(report) else 0


def _failed(error: UserError, args: argparse.Namespace) -> int:
    """Report a user error (and as JSON with ``--json``); the exit code 2."""
    newline = "" if args.quiet else "\n"  # end the progress line of the stage that failed
    say(f"{newline}error: {error}", error=True)
    if args.json:
        say(as_json(_error_json(error), indent=1))
    return 2


def _add_topics_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "work on the taxonomy"
    sub = commands.add_parser("topics", help=text, description=text)
    actions = sub.add_subparsers(dest="action", required=True)
    text = (
        "group the papers the taxonomy serves poorly (only the fallback topic, or barely close to their topics) "
        "and print candidate topics as YAML to paste into the topics file"
    )
    suggest = actions.add_parser("suggest", help=text, description=text)
    suggest.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help=f"listing files or folders (default {DEFAULT_LISTINGS})"
    )
    suggest.add_argument(
        "--topics", type=Path, default=DEFAULT_TOPICS, help=f"taxonomy file (default {DEFAULT_TOPICS})"
    )
    suggest.add_argument("--limit", metavar="N", type=int, default=10, help="how many topics to suggest at most")


def _topics(args: argparse.Namespace) -> int:
    """``topics suggest``: candidate topics for the papers the taxonomy serves poorly, as YAML."""
    from .clean import clean_entry
    from .dedupe import dedupe
    from .read import read_paths
    from .suggest import as_yaml, suggest
    from .topics import load_taxonomy

    try:
        taxonomy = load_taxonomy(args.topics)
        papers = dedupe([clean_entry(e) for e in read_paths(args.paths or [DEFAULT_LISTINGS]).entries])
    except UserError as error:
        say(f"error: {error}", error=True)
        return 2
    suggestions, poor = suggest(papers, taxonomy, args.limit)
    say(f"# {poor} of {len(papers)} papers are served poorly; {len(suggestions)} candidate topics.")
    say("# Paste the ones worth keeping under `topics:` in the topics file, edit them, and rebuild.")
    say(as_yaml(suggestions), end="")
    return 0


def _add_search_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "search the built site's index as its search box does, and print the ranked results"
    sub = commands.add_parser(
        "search",
        help=text,
        description=text + ". QUERY may hold topic:, year: and org: terms, like the search box.",
        epilog="exit status: 0 results found, 1 none, 2 no site or an unknown facet value",
    )
    sub.add_argument("query", nargs="+", metavar="QUERY", help="words to search for")
    sub.add_argument("--topic", metavar="T", help="only papers with this topic (name or slug, or its start)")
    sub.add_argument("--year", metavar="Y", help="only papers of this year")
    sub.add_argument("--org", metavar="O", help="only papers of this organisation (handle, or its start)")
    sub.add_argument("--limit", metavar="N", type=int, default=10, help="how many results to print (default 10)")
    sub.add_argument("--site", type=Path, default=DEFAULT_SITE, help=f"the built site (default {DEFAULT_SITE})")
    sub.add_argument("--json", action="store_true", help="print the results as JSON")


def _search(args: argparse.Namespace) -> int:
    """``search``: the site's search box in the terminal."""
    try:
        opened = search.open_site(args.site)
    except search.SearchFileError as error:
        say(f"error: {error}", error=True)
        return 2
    if opened.note:
        say(f"note: {opened.note}", error=True)
    index = opened.index
    terms = [" ".join(args.query)]
    for name in ("topic", "year", "org"):
        value = getattr(args, name)
        if value is None:
            continue
        slug = search.facet_value(value)
        if not slug or not index.resolve(name, slug):
            known = ", ".join(str(v[0]) for v in index.facets.get(name, [])) or "none in this site"
            say(f"error: no {name} {value!r} in this site; {name}s: {known}", error=True)
            return 2
        terms.append(f"{name}:{slug}")
    query = " ".join(terms)
    started = time.perf_counter()
    hits = index.search(query)
    seconds = time.perf_counter() - started
    base = opened.site_url
    shown = hits[: max(args.limit, 0)]
    if args.json:
        records = [
            {"rank": n, "title": h.title, "url": base + h.location, "score": round(h.score, 3)}
            for n, h in enumerate(shown, 1)
        ]
        report = {"query": query, "found": len(hits), "papers": search.papers_found(hits), "results": records}
        say(as_json(report, ensure_ascii=False, indent=1))
    else:
        for n, hit in enumerate(shown, 1):
            date = f" ({hit.date})" if hit.date else ""
            say(f"{n:2}. {hit.title}{date}\n    {base + hit.location}")
    # Papers counted as the search box's count line counts them; topic and organisation pages apart.
    papers = search.papers_found(hits)
    summary = f"{papers} matching paper{'s' if papers != 1 else ''}"
    if len(hits) > papers:
        others = len(hits) - papers
        summary += f" and {others} topic or organisation page{'s' if others != 1 else ''}"
    summary += f" for {query!r}"
    if not index.full_text:
        summary += f" in titles and topics (abstracts are not indexed past {search.LUNR_LIMIT:,} papers)"
    if len(hits) > len(shown):
        summary += f", {len(shown)} shown (--limit)"
    searched, typed = search.searched_words(query, index.settings)
    if searched < typed:
        summary += f" (the first {searched} of its {typed} words searched)"
    say(f"{summary}; {seconds * 1000:.0f} ms", error=True)
    return 0 if hits else 1


def _warnings(report: run.Report) -> list[Diagnostic]:
    """The diagnostics that are warnings; notes (a skipped file, a file named twice) are not."""
    from .read import Note

    return [d for d in report.diagnostics if not isinstance(d, Note)]


def _summary(report: run.Report, seconds: float, command: str) -> None:
    from .emit.facts import plural

    generator_seconds = report.generator_seconds  # not the sum of the stages: some run side by side
    parts = [
        f"{plural(report.entries, 'entry', 'entries')} read",
        f"{plural(report.duplicates, 'duplicate')} merged",
        plural(len(_warnings(report)), "warning"),
        plural(report.papers, "paper"),
        plural(report.topics, "topic"),
        plural(report.pages, "page"),
    ]
    notes = len(report.diagnostics) - len(_warnings(report))
    if notes:
        parts.insert(3, plural(notes, "note"))
    line = ", ".join(parts) + f"; {seconds:.1f} s"
    if command == "build":
        steps = [f"generator {generator_seconds:.1f} s", f"MkDocs {report.timings.get('mkdocs', 0):.1f} s"]
        steps += [f"{name} {report.timings[name]:.1f} s" for name in ("offline", "pagefind") if name in report.timings]
        line += f" ({', '.join(steps)})"
        if report.docs:
            line += f"\ndocs/: {report.docs.written} written, {report.docs.unchanged} unchanged, {report.docs.removed} removed"
        for site in report.sites:
            line += f"\n{site.site.site_dir}/: {site.changes.written} written, {site.changes.unchanged} unchanged, {site.changes.removed} removed"
    else:
        line += " (nothing written)"
    say(line, error=True)


def _as_json(report: run.Report, seconds: float) -> dict[str, object]:
    from .read import Note

    return {
        "ok": True,
        "entries": report.entries,
        "duplicates": report.duplicates,
        "papers": report.papers,
        "topics": report.topics,
        "pages": report.pages,
        "warnings": [_diagnostic_json(d) for d in _warnings(report)],
        "notes": [_diagnostic_json(d) for d in report.diagnostics if isinstance(d, Note)],
        "seconds": round(seconds, 3),
        "timings": report.timings,
    }


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, object]:
    source = diagnostic.source
    return {"file": source.file, "line": source.line or None, "message": diagnostic.message}


def _error_json(error: UserError) -> dict[str, object]:
    return {
        "ok": False,
        "error": str(error),
        "kind": type(error).__name__,
        "file": error.file,
        "line": error.line,
        "offset": error.offset,
        "message": error.message,
    }


if __name__ == "__main__":
    sys.exit(main())
