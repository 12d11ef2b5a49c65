"""``python -m bench``: synthetic corpora and measurements of the generator, MkDocs and search.

    python -m bench make --papers 1000 10000 100000        # corpora only
    python -m bench run --papers 1000 10000 100000         # corpora + every generator stage: s and MiB
    python -m bench mkdocs --papers 1000 10000             # full vs bare MkDocs build, page and index sizes
    python -m bench build --papers 5000 10000 --against DIR  # whole generator build vs one bare Material build
    python -m bench search --papers 1000 10000             # real builds: what search loads, time to answer
    python -m bench answer                                 # the bundled listings: time to answer vs Material's
    python -m bench search-command --papers 10000 --before main  # `generator search` per call, before and after
    python -m bench equivalence --papers 0 2000 10000      # the speed-ups change no output
    python -m bench related-quality [--unseen DIR [--unseen-labels FILE]] # related papers and topics against the labels
    python -m bench related-wider [--wordllama] [--papers N] # issue 12: packaged embedding, wider candidates
    python -m bench profile --papers 10000                 # cProfile of the stages
    python -m bench fingerprint --papers 0 --save before   # hash every rendered file (compare later)

Work files go to ``--out`` (default /tmp/bench); each command prints a Markdown table and writes its
figures as JSON there. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from . import stages

DEFAULT_SIZES = (1_000, 10_000, 100_000)


def corpus_dir(out: Path, papers: int) -> Path:
    """Where the corpus of ``papers`` papers lives under ``out``."""
    return out / "corpora" / f"{papers}"


def ensure_corpus(out: Path, papers: int, seed: int, quiet: bool = False) -> Path:
    """Make the corpus unless it exists (same size and seed: same bytes)."""
    from . import synth
    from .synth import make_corpus

    folder = corpus_dir(out, papers)
    stamp = folder.with_name(f"{papers}.made")
    wanted = json.dumps({"papers": papers, "seed": seed, "version": synth.VERSION})
    if stamp.is_file() and stamp.read_text() == wanted:
        return folder
    began = time.perf_counter()
    made = make_corpus(papers, folder, seed)
    stamp.write_text(wanted)
    if not quiet:
        print(
            f"made {folder}: {made.papers} papers, {made.entries} entries in {made.files} files "
            f"{made.layouts} ({time.perf_counter() - began:.1f} s)",
            file=sys.stderr,
        )
    return folder


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_before": load,
    }


def stage_table(results: dict[int, dict[str, Any]]) -> str:
    """Seconds (wall and CPU of all threads) and peak MiB per stage, three columns per corpus size."""
    sizes = sorted(results)
    head = "| stage | " + " | ".join(f"{n:,}: s | CPU s | peak MiB" for n in sizes) + " |"
    rule = "| --- | " + " | ".join("---: | ---: | ---:" for _ in sizes) + " |"
    lines = [head, rule]
    for name in stages.STAGES:
        cells = []
        for n in sizes:
            row = next((r for r in results[n]["stages"] if r["stage"] == name), None)
            if row is None:
                cells.append(" | | ")
            else:
                peak = f"{row['peak_mib']:.0f}" if row["peak_mib"] else ""
                cpu = f"{row['cpu_seconds']:.2f}" if "cpu_seconds" in row else ""
                cells.append(f"{row['seconds']:.2f} | {cpu} | {peak}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    def total(n: int) -> str:
        cpu = sum(r.get("cpu_seconds", 0.0) for r in results[n]["stages"])
        return f"**{results[n]['generator_seconds']:.1f}** | {cpu:.1f} | **{results[n]['ru_maxrss_mib']:.0f}**"

    lines.append("| **generator (all stages)** | " + " | ".join(total(n) for n in sizes) + " |")
    lines.append(
        "| process (start, imports, stages) | "
        + " | ".join(f"{results[n]['process_seconds']:.1f} | | " for n in sizes)
        + " |"
    )
    lines.append(
        "| s per 1,000 papers | "
        + " | ".join(f"{results[n]['generator_seconds'] / results[n]['papers'] * 1000:.2f} | | " for n in sizes)
        + " |"
    )
    lines.append(
        "| entries / papers / pages | "
        + " | ".join(
            f"{results[n]['entries']:,} / {results[n]['papers']:,} / {results[n]['pages']:,} | | " for n in sizes
        )
        + " |"
    )
    return "\n".join(lines)


def cmd_make(args: argparse.Namespace) -> int:
    for n in args.papers:
        ensure_corpus(args.out, n, args.seed)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    results_file = args.out / "stages.json"
    results: dict[int, dict[str, Any]] = {}
    for n in args.papers:
        listings = ensure_corpus(args.out, n, args.seed)
        cache = None
        if args.warm:
            cache = args.out / "cache" / str(n)
            shutil.rmtree(cache, ignore_errors=True)
            print(f"filling the cache: {n:,} papers, cold...", file=sys.stderr, flush=True)
            cold = stages.measure(listings, cache=cache)
            print(f"  generator {cold['generator_seconds']:.1f} s cold", file=sys.stderr)
        best: dict[str, Any] | None = None
        for attempt in range(args.repeat):
            print(f"measuring {n:,} papers (run {attempt + 1}/{args.repeat})...", file=sys.stderr, flush=True)
            result = stages.measure(
                listings, keep_docs=args.out / "docs" / str(n) if args.keep_docs else None, cache=cache
            )
            print(
                f"  generator {result['generator_seconds']:.1f} s, peak {result['ru_maxrss_mib']:.0f} MiB",
                file=sys.stderr,
            )
            if best is None or result["generator_seconds"] < best["generator_seconds"]:
                best = result
        assert best is not None
        results[n] = best
    record = {"machine": machine(), "results": {str(n): r for n, r in results.items()}}
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(json.dumps(record, indent=1))
    print(stage_table(results))
    if 10_000 in results and 100_000 in results:
        ratio = results[100_000]["generator_seconds"] / results[10_000]["generator_seconds"]
        print(f"\ntime at 100k / time at 10k: {ratio:.1f}")
    print(f"\n{record['machine']}; figures in {results_file}", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from . import build_bench

    return build_bench.main(args)


def cmd_mkdocs(args: argparse.Namespace) -> int:
    from . import mkdocs_bench

    return mkdocs_bench.main(args)


def cmd_search(args: argparse.Namespace) -> int:
    from . import search_bench

    return search_bench.main(args)


def cmd_search_command(args: argparse.Namespace) -> int:
    from . import search_command

    return search_command.main(args)


def cmd_answer(args: argparse.Namespace) -> int:
    from . import answer_time

    return answer_time.main(args)


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from . import fingerprint

    status = 0
    for n in args.papers:
        listings = stages.ROOT / "data" / "listings" if n == 0 else ensure_corpus(args.out, n, args.seed)
        save = args.out / f"fingerprint-{n}-{args.save}.json" if args.save else None
        against = args.out / f"fingerprint-{n}-{args.compare}.json" if args.compare else None
        status |= fingerprint.run(listings, save, against)
    return status


def cmd_equivalence(args: argparse.Namespace) -> int:
    from . import equivalence

    return equivalence.main(args)


def cmd_profile(args: argparse.Namespace) -> int:
    from . import profile

    for n in args.papers:
        profile.run(ensure_corpus(args.out, n, args.seed), args.top, args.sort, args.dump)
    return 0


def cmd_related_quality(args: argparse.Namespace) -> int:
    from . import related_quality

    return related_quality.main(args)


def cmd_related_wider(args: argparse.Namespace) -> int:
    from . import related_wider

    return related_wider.main(args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_stages"]:
        return stages.child_main(*argv[1:5])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser, sizes: tuple[int, ...]) -> None:
        sub.add_argument("--papers", type=int, nargs="+", default=list(sizes), help="corpus sizes (distinct papers)")
        sub.add_argument("--out", type=Path, default=Path("/tmp/bench"), help="work folder (default /tmp/bench)")
        sub.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpora (default 1)")

    make = commands.add_parser("make", help="make synthetic corpora")
    common(make, DEFAULT_SIZES)
    make.set_defaults(run=cmd_make)
    run = commands.add_parser("run", help="make corpora if needed and measure every generator stage")
    common(run, DEFAULT_SIZES)
    run.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest is kept")
    run.add_argument(
        "--warm", action="store_true", help="measure with a cache a first (cold) build filled, as a rebuild runs"
    )
    run.add_argument("--keep-docs", action="store_true", help="keep the generated docs/ under OUT/docs/N")
    run.set_defaults(run=cmd_run)
    mk = commands.add_parser("mkdocs", help="time the MkDocs build of the generated docs against a bare build")
    common(mk, (1_000, 10_000))
    mk.add_argument("--only", choices=("full", "bare", "offline"), nargs="+", help="builds to run (default all)")
    mk.add_argument("--repeat", type=int, default=1, help="runs of each build, in rounds; the fastest is kept")
    mk.set_defaults(run=cmd_mkdocs)
    whole = commands.add_parser("build", help="the whole `generator build` against one bare Material build")
    common(whole, (5_000, 10_000))
    whole.add_argument("--repeat", type=int, default=2, help="rounds; the fastest run of each build is kept")
    whole.add_argument("--against", type=Path, help="another checkout of the project to measure the same way")
    whole.add_argument(
        "--warm", action="store_true", help="a rebuild: each build keeps the cache a first, uncounted build filled"
    )
    whole.set_defaults(run=cmd_build)
    search = commands.add_parser("search", help="what the search box loads and time to answer in Chromium")
    common(search, (1_000, 10_000))
    search.add_argument("--query", default="quantization", help="the word typed into the search box")
    search.add_argument("--repeat", type=int, default=3, help="page loads per site; the median is kept")
    search.set_defaults(run=cmd_search)
    command = commands.add_parser(
        "search-command", help="`generator search` per call, start-up included, before and after"
    )
    common(command, (10_000,))
    command.add_argument("--listings", type=Path, nargs="*", default=[], help="also real listings (a folder of *.txt)")
    command.add_argument("--before", default="main", help="the revision to compare with (default main; '' for none)")
    command.add_argument("--query", nargs="+", help="the queries (default: search_command.QUERIES)")
    command.add_argument("--repeat", type=int, default=5, help="rounds of every query on each side (default 5)")
    command.set_defaults(run=cmd_search_command)
    answer = commands.add_parser(
        "answer", help="time until the search box answers on the bundled listings, vs Material's"
    )
    answer.add_argument("--out", type=Path, default=Path("/tmp/bench"), help="work folder (default /tmp/bench)")
    answer.add_argument("--query", default="quantization", help="the word typed into the search box")
    answer.add_argument("--repeat", type=int, default=5, help="page loads per site; the median is kept")
    answer.set_defaults(run=cmd_answer)
    fp = commands.add_parser("fingerprint", help="hash every rendered file (0 papers: the bundled listings)")
    common(fp, (0, 2_000))
    fp.add_argument("--save", metavar="LABEL", help="save as OUT/fingerprint-N-LABEL.json")
    fp.add_argument("--compare", metavar="LABEL", help="compare with OUT/fingerprint-N-LABEL.json")
    fp.set_defaults(run=cmd_fingerprint)
    eq = commands.add_parser("equivalence", help="today's stages against the ones before the speed work")
    common(eq, (0, 2_000))
    eq.add_argument("--no-fuzz", action="store_true", help="only the corpora, no random inputs")
    eq.add_argument("--reference", default="9657a32",
                    help="the commit to compare with (default: the last one before the speed work)")  # fmt: skip
    eq.add_argument("--all-characters", action="store_true", help="also every BMP character through both YAML emitters")
    eq.set_defaults(run=cmd_equivalence)
    rq = commands.add_parser("related-quality", help="related papers and topics against the labels (data/labels.yml)")
    common(rq, (0,))
    rq.add_argument("--unseen", type=Path, help="a folder of real listings never tuned on: coverage figures")
    rq.add_argument(
        "--unseen-labels",
        type=Path,
        default=Path(__file__).parent / "corpora" / "topic-labels-daily.yml",
        help="topics of papers of --unseen labelled by reading, keyed by title (default: %(default)s)",
    )
    rq.add_argument(
        "--unseen-related",
        type=Path,
        default=Path(__file__).parent / "corpora" / "related-labels-daily.yml",
        help="related papers of papers of --unseen labelled by reading, keyed by title (default: %(default)s)",
    )
    rq.set_defaults(run=cmd_related_quality)
    rw = commands.add_parser("related-wider", help="a packaged embedding and wider candidates against the labels")
    rw.add_argument("--papers", type=int, default=0, help="time the proposers on a synthetic corpus of N papers")
    rw.add_argument("--out", type=Path, default=Path("/tmp/bench"), help="work folder (default /tmp/bench)")
    rw.add_argument("--wordllama", action="store_true", help="also the embedding of wordllama (installed by hand)")
    rw.add_argument("--splits", type=int, default=0, help="only held-out figures over N random fold assignments")
    rw.set_defaults(run=cmd_related_wider)
    prof = commands.add_parser("profile", help="cProfile the generator stages on one corpus")
    common(prof, (10_000,))
    prof.add_argument("--top", type=int, default=40, help="functions shown")
    prof.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    prof.add_argument("--dump", type=Path, help="also save the raw profile here")
    prof.set_defaults(run=cmd_profile)
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
