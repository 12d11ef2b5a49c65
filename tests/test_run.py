"""How the stages run (generator/run.py, with the work they count in generator/progress.py): the
progress lines, the stages run side by side in a worker process, the paper pages the worker
renders, the cycle collector paused while the generator works."""

from __future__ import annotations

import gc
import io
import os
import time

import pytest

from generator import progress, run
from generator.aside import can_fork
from generator.model import Paper, Slug
from generator.run import ASIDE, WORKER_PAGES, Counted, Run

needs_fork = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def work() -> None:
        for _ in range(5):
            time.sleep(0.06)
            progress.advance(20)

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("COLUMNS", "100")
    Run(quiet=False, live=True).stage("render", work, total=100)
    drawn = terminal.getvalue()
    assert "render..." in drawn and "/100" in drawn and "%" in drawn, drawn
    assert drawn.rstrip().endswith("s"), "the bar is replaced by the stage's time"

    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    Run(quiet=False, live=False).stage("render", work, total=100)
    assert plain.getvalue().startswith("  render... ") and "%" not in plain.getvalue()


def test_a_run_is_quiet_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = Run()
    assert quiet.stage("read", lambda: 7) == 7
    assert capsys.readouterr().err == "" and set(quiet.report.timings) == {"read"}


def test_without_a_second_core_the_stages_run_here_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "can_fork", lambda: False)
    ran: list[str] = []
    runner = Run()
    with runner.aside({"a": lambda: ran.append("a") or 1, "b": lambda: ran.append("b") or 2}) as results:
        assert ran == []
        assert results() == {"a": 1, "b": 2}
    assert ran == ["a", "b"] and set(runner.report.timings) == {"a", "b"}


@needs_fork
def test_stages_aside_report_their_own_time() -> None:
    runner = Run()
    with runner.aside({"nap": lambda: time.sleep(0.2) or os.getpid()}) as results:
        assert results()["nap"] != os.getpid()
    assert 0.2 <= runner.report.timings["nap"] < 5


@pytest.mark.parametrize("fork", [True, False])
def test_together_runs_the_worker_s_stages_there_and_the_others_here(
    fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fork and not can_fork():
        pytest.skip("needs fork and two cores")
    monkeypatch.setattr(run, "can_fork", lambda: fork)
    here = os.getpid()
    found = Run().together(
        {
            "similarity": Counted(lambda: os.getpid(), 3),
            "names": lambda: os.getpid(),
            "evidence": Counted(lambda: os.getpid(), 5),  # the worker draws no bar: just run
        }
    )
    assert found["similarity"] == here
    assert (found["names"] != here, found["evidence"] != here) == (fork, fork)
    assert list(found) == ["similarity", "names", "evidence"]
    assert {"evidence", "names", "embedding", "search", "pages"} == ASIDE


def papers(count: int) -> list[Paper]:
    return [Paper(slug=Slug(f"p{i}"), key=f"p{i}", title=f"P{i}", abstract="", sources=()) for i in range(count)]


def test_the_worker_renders_4_paper_pages_of_7_or_none_without_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "can_fork", lambda: True)
    assert WORKER_PAGES == (4, 7)
    assert Run().worker_pages(papers(14)) == {Slug(f"p{i}") for i in (0, 1, 2, 3, 7, 8, 9, 10)}
    assert Run(workers=False).worker_pages(papers(14)) == frozenset()
    monkeypatch.setattr(run, "can_fork", lambda: False)
    assert Run().worker_pages(papers(14)) == frozenset()


def test_the_cycle_collector_is_paused_inside_a_run_and_as_it_was_after() -> None:
    runner = Run()
    assert gc.isenabled()
    with runner:
        assert not gc.isenabled()
        with runner:  # nested: the stages of load_corpus inside generate's
            time.sleep(0.05)
        assert not gc.isenabled()
    assert gc.isenabled()
    assert 0.05 <= runner.report.generator_seconds < 5  # counted once
    gc.disable()
    try:
        with runner:
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
