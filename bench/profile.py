"""cProfile of the generator stages on one corpus: ``python -m bench profile --papers 10000``.

The stages run one after the other in this process (no worker process: cProfile sees one process),
as ``pipeline.generate`` runs them where fork is missing; then write.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from pathlib import Path

from generator import pipeline
from generator.run import Run
from generator.write import write_files

ROOT = Path(__file__).resolve().parent.parent


def run(listings: Path, top: int = 40, sort: str = "tottime", dump: Path | None = None) -> None:
    """Profile every stage and the write; print the top functions."""
    profiler = cProfile.Profile()
    run = Run(quiet=False, workers=False)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as work:
        profiler.enable()
        _, files, _ = pipeline.generate([listings], ROOT / "data" / "topics.yml", run)
        run.stage("write", lambda: write_files(Path(work) / "docs", files))
        profiler.disable()
    stats = pstats.Stats(profiler)
    if dump:
        stats.dump_stats(dump)
    stats.sort_stats(sort).print_stats(top)
