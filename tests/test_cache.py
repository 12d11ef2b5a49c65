"""What earlier builds computed from each paper's text (generator/cache.py): remembered, never trusted
when the code changed or the file is damaged, and never changing what a build makes."""

from __future__ import annotations

from pathlib import Path

from generator import cache, clean, pipeline
from generator import topics as generator_topics
from generator.cache import Cache
from generator.run import Run
from tests.conftest import FIXTURES, copy_project, run_generator

ROOT = Path(__file__).resolve().parent.parent
LISTINGS = [FIXTURES / name for name in ("layout-blocks.txt", "layout-metadata.txt", "layout-compact.txt")]


def counted(calls: list[str]):
    def compute(text: str) -> str:
        calls.append(text)
        return text.upper()

    return compute


def test_a_saved_table_answers_the_next_build_without_computing(tmp_path):
    calls: list[str] = []
    table = Cache(tmp_path).table("upper", (cache,))
    assert [table.get(t, counted(calls)) for t in ("a", "b", "a")] == ["A", "B", "A"]
    assert calls == ["a", "b"]
    table.save()
    again = Cache(tmp_path).table("upper", (cache,))
    assert again.get("b", counted(calls)) == "B" and calls == ["a", "b"]
    assert again.computed == 0


def test_values_read_together_are_computed_together_for_the_texts_not_remembered(tmp_path):
    table = Cache(tmp_path).table("upper", (cache,))
    table.get("b", str.upper)
    table.save()
    again = Cache(tmp_path).table("upper", (cache,))
    asked: list[list[int]] = []

    def upper(positions: list[int]) -> list[str]:
        asked.append(positions)
        return [["a", "b", "c"][i].upper() for i in positions]

    assert again.known(["a", "b", "c"]) == 1
    assert again.get_many(["a", "b", "c"], upper) == ["A", "B", "C"]
    assert asked == [[0, 2]] and again.computed == 2


def test_what_a_build_did_not_use_is_dropped(tmp_path):
    first = Cache(tmp_path).table("upper", (cache,))
    for text in ("old", "kept"):
        first.get(text, str.upper)
    first.save()
    second = Cache(tmp_path).table("upper", (cache,))
    second.get("kept", str.upper)
    second.save()
    calls: list[str] = []
    third = Cache(tmp_path).table("upper", (cache,))
    third.get("old", counted(calls))
    assert calls == ["old"]


def test_a_table_of_other_code_or_a_damaged_file_is_not_read(tmp_path):
    table = Cache(tmp_path).table("upper", (cache,))
    table.get("a", str.upper)
    table.save()
    calls: list[str] = []
    assert Cache(tmp_path).table("upper", (clean,)).get("a", counted(calls)) == "A"  # other modules
    assert calls == ["a"]
    for damage in (b"", b"not marshal", (tmp_path / "upper.marshal").read_bytes()[:40]):
        (tmp_path / "upper.marshal").write_bytes(damage)
        assert Cache(tmp_path).table("upper", (cache,)).get("a", counted(calls)) == "A"
    assert calls == ["a"] * 4


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    table = Cache(blocked / "cache").table("upper", (cache,))
    assert table.get("a", str.upper) == "A"
    table.save()  # no error
    assert blocked.read_text() == "a file where the folder would be"


TABLES = ["clean.marshal", "evidence.marshal", "tokens.marshal", "words.marshal"]


def test_warm_and_cold_builds_make_the_same_files_and_a_warm_one_recomputes_nothing(tmp_path, monkeypatch):
    topics = FIXTURES / "topics-small.yml"
    afresh = pipeline.generate(LISTINGS, topics)[1]
    assert pipeline.generate(LISTINGS, topics, cache=Cache(tmp_path))[1] == afresh
    assert sorted(p.name for p in tmp_path.iterdir()) == TABLES
    calls: list[object] = []
    for module, name in ((clean, "_clean_text"), (generator_topics, "_keyword_scores")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, real=real: calls.append(args) or real(*args))
    one_process = Run(workers=False)  # the calls of a worker process would not be counted here
    assert pipeline.generate(LISTINGS, topics, one_process, cache=Cache(tmp_path))[1] == afresh
    assert calls == []


def test_build_keeps_the_cache_in_the_project_and_no_cache_leaves_none(tmp_path):
    project = copy_project(tmp_path / "p", FIXTURES / "layout-blocks.txt")
    assert run_generator(project, "build", "--no-site", "--no-cache").returncode == 0
    assert not (project / ".cache").exists()
    assert run_generator(project, "build", "--no-site").returncode == 0
    assert sorted(p.name for p in (project / cache.FOLDER).iterdir()) == TABLES


def test_a_missing_package_leaves_the_message_to_the_stage_that_needs_it(tmp_path):
    table = Cache(tmp_path).table("upper", (cache,), ("no-such-package-of-this-project",))
    assert table.get("a", str.upper) == "A"


def test_a_write_a_killed_build_left_half_done_is_removed(tmp_path):
    (tmp_path / ".upper.marshal.12345").write_bytes(b"half a table")
    table = Cache(tmp_path).table("upper", (cache,))
    table.get("a", str.upper)
    table.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upper.marshal"]
