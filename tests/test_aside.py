"""Stages run aside in a worker process (generator/aside.py; ``Run.aside`` in generator/run.py: tests/test_run.py):
same results, errors and Ctrl-C as if run here, no stray processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from generator.aside import Aside, can_fork
from generator.errors import InputError
from tests.conftest import ROOT

needs_fork = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


def gone(pid: int) -> bool:
    """The process has ended (a zombie not reaped yet by whoever inherited it counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@needs_fork
def test_the_result_comes_from_a_child_process():
    parent = os.getpid()
    with Aside(lambda: (os.getpid(), [1, "two", {"three": 3.0}])) as aside:
        pid, value = aside.result()
    assert pid != parent and value == [1, "two", {"three": 3.0}]
    assert aside.usage is not None and aside.usage.forked and aside.usage.peak_mib


@pytest.mark.parametrize("fork", [True, False] if can_fork() else [False])
def test_an_error_in_the_work_is_raised_here_with_its_message(fork):
    def fail() -> None:
        raise InputError("listing unreadable; fix it", "data/x.txt", 3)

    with Aside(fail, fork=fork) as aside, pytest.raises(InputError) as caught:
        aside.result()
    assert str(caught.value) == "data/x.txt:3: listing unreadable; fix it"
    if fork:  # the worker's traceback comes along, for errors that are bugs
        assert "in a worker process" in "".join(caught.value.__notes__)


class _TwoArguments(Exception):
    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"{what} at {where}")


@needs_fork
def test_an_error_pickle_cannot_rebuild_keeps_its_type_and_message():
    def fail() -> None:
        raise _TwoArguments("bad topic", "data/topics.yml")

    with Aside(fail) as aside, pytest.raises(RuntimeError) as caught:
        aside.result()
    assert str(caught.value) == "_TwoArguments: bad topic at data/topics.yml"
    assert "in a worker process" in "".join(caught.value.__notes__)


@needs_fork
def test_stopping_a_worker_already_reaped_is_quiet():
    # Ctrl-C can arrive after the worker was waited for but before the aside knows it.
    aside = Aside(lambda: 1)
    assert aside._pid is not None
    os.waitpid(aside._pid, 0)
    aside.cancel()
    aside.cancel()
    assert aside._pid is None and aside._fd is None


@needs_fork
def test_a_worker_that_dies_is_a_clear_error():
    with Aside(lambda: os.kill(os.getpid(), signal.SIGKILL)) as aside, pytest.raises(RuntimeError) as caught:
        aside.result()
    assert "ended without a readable result (killed by signal 9" in str(caught.value)


@needs_fork
def test_a_large_result_comes_through_whole():
    pages = {f"papers/{n}.md": bytes([n % 256]) * 5000 for n in range(4000)}  # 20 MB, streamed
    with Aside(lambda: pages) as aside:
        assert aside.result() == pages


@needs_fork
def test_leaving_the_block_stops_the_worker():
    with Aside(lambda: time.sleep(60)) as aside:
        pid = aside._pid
        assert pid is not None and not gone(pid)
    assert gone(pid)


def test_when_fork_fails_the_work_runs_here(monkeypatch):
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    with Aside(lambda: os.getpid(), fork=True) as aside:
        assert aside.result() == os.getpid()
    assert aside.usage is not None and not aside.usage.forked


@needs_fork
def test_ctrl_c_ends_the_worker_and_the_run_without_a_traceback(tmp_path):
    script = textwrap.dedent(
        """
        import sys, time
        from generator.aside import Aside
        try:
            with Aside(lambda: time.sleep(60)) as aside:
                print(aside._pid, flush=True)
                aside.result()
        except KeyboardInterrupt:
            sys.exit(130)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, like a command in a terminal
    )  # fmt: skip
    assert process.stdout is not None
    child = int(process.stdout.readline())
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 10
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(child)


@needs_fork
def test_a_worker_does_not_outlive_a_killed_parent():
    script = "import time\nfrom generator.aside import Aside\nwith Aside(lambda: time.sleep(60)) as a:\n"
    script += "    print(a._pid, flush=True)\n    a.result()\n"
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    child = int(process.stdout.readline())
    process.kill()  # SIGKILL: the parent cannot clean up
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(child)
