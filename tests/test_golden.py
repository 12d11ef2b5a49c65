"""The generated Markdown of a small corpus (generator/emit/render.py, generator/emit/templates/) equals the reviewed
golden copy (``make golden`` updates it)."""

from __future__ import annotations

from tests.golden import EXPECTED, generate


def test_generated_markdown_matches_golden_copy():
    files = generate()
    expected = {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in EXPECTED.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected), "pages added or missing: run `make golden` and review the diff"
    for name, data in files.items():
        assert data.decode() == expected[name].decode(), f"{name} differs: run `make golden` and review the diff"


def test_generation_is_deterministic():
    assert generate() == generate()
