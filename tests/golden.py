"""The golden copy of the generated Markdown for a small corpus.

Regenerate it after an intended change of the output with ``make golden`` (``python -m tests.golden``),
then review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

from generator import pipeline
from generator.emit.render import render_site

HERE = Path(__file__).parent
CORPUS = [HERE / "fixtures" / name for name in ("layout-blocks.txt", "layout-metadata.txt", "layout-compact.txt")]
TOPICS = HERE / "fixtures" / "topics-small.yml"
EXPECTED = HERE / "golden"


def generate() -> dict[str, bytes]:
    """The files the generator makes from the small corpus."""
    return render_site(pipeline.load_corpus(CORPUS, TOPICS))


def main() -> None:
    """Rewrite tests/golden/ from the current generator."""
    files = generate()
    for old in sorted(EXPECTED.rglob("*"), reverse=True):
        old.unlink() if old.is_file() else old.rmdir()
    for name, data in files.items():
        path = EXPECTED / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files to {EXPECTED.relative_to(Path.cwd())}")


if __name__ == "__main__":
    main()
