"""cProfile of the generator stages on one corpus: ``python -m bench profile --papers 10000``."""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from pathlib import Path

from generator import pipeline
from generator.render import render_site
from generator.write import write_files

ROOT = Path(__file__).resolve().parent.parent


def run(listings: Path, top: int = 40, sort: str = "tottime", dump: Path | None = None) -> None:
    """Profile load_corpus, render and write; print the top functions."""
    profiler = cProfile.Profile()
    progress = pipeline.Progress(pipeline.Report(), quiet=False)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as work:
        profiler.enable()
        corpus = pipeline.load_corpus([listings], ROOT / "data" / "topics.yml", progress)
        files = progress.stage("render", lambda: render_site(corpus))
        progress.stage("write", lambda: write_files(Path(work) / "docs", files))
        profiler.disable()
    stats = pstats.Stats(profiler)
    if dump:
        stats.dump_stats(dump)
    stats.sort_stats(sort).print_stats(top)
