"""Atomic output (generator/write.py; MkDocs tied to the build by generator/tethered.py): an interrupted,
killed or failed run leaves docs/, site/ and site-offline/ as they were."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import write
from generator.errors import OutputError
from tests.conftest import run_generator
from tests.test_input_faults import realistic_listing

OUTPUTS = ("docs", "site", "site-offline")

Snapshot = dict[str, tuple[str, int] | None]


def snapshot(folder: Path) -> Snapshot:
    """Every file (hash of its bytes, modification time in ns) and folder (None) under ``folder``."""
    state: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_dir():
            state[relative] = None
        else:
            state[relative] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return state


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.endswith((".staging", ".previous")))


# write.py on its own --------------------------------------------------------------------------------


@pytest.fixture(params=["exchange", "two renames"])
def swap_mode(request, monkeypatch):
    """Run a test with renameat2's exchange and with the fallback of two renames."""
    if request.param == "two renames":
        monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    return request.param


def test_a_rebuild_of_the_same_files_writes_nothing_and_keeps_modification_times(tmp_path, swap_mode):
    target = tmp_path / "docs"
    files = {"index.md": b"home", "papers/a.md": b"a", "papers/b.md": b"b"}
    assert write.write_files(target, files) == write.Changes(written=3, unchanged=0, removed=0)
    before = snapshot(target)
    time.sleep(0.01)
    assert write.write_files(target, files) == write.Changes(written=0, unchanged=3, removed=0)
    assert snapshot(target) == before
    changed = write.write_files(target, {"index.md": b"home", "papers/a.md": b"A"})
    assert changed == write.Changes(written=1, unchanged=1, removed=1)
    assert (target / "papers" / "a.md").read_bytes() == b"A" and not (target / "papers" / "b.md").exists()
    assert snapshot(target)["index.md"] == before["index.md"]
    assert leftovers(tmp_path) == []


def test_without_hard_links_unchanged_files_keep_their_modification_times(tmp_path, monkeypatch):
    target = tmp_path / "docs"
    write.write_files(target, {"a.md": b"a"})
    before = snapshot(target)

    def no_links(source, destination):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    time.sleep(0.01)
    assert write.write_files(target, {"a.md": b"a"}).unchanged == 1
    assert snapshot(target) == before


def make_folder(path: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    return path


def test_recover_puts_the_previous_folder_back_after_a_kill_between_the_two_renames(tmp_path):
    """The fallback swap renames docs/ to .docs.previous, then the stage to docs/: a kill in between."""
    previous = make_folder(tmp_path / ".docs.previous", {"index.md": b"old", "papers/a.md": b"a"})
    state = snapshot(previous)
    make_folder(tmp_path / ".docs.staging", {"index.md": b"new"})
    write.recover(tmp_path / "docs")
    assert snapshot(tmp_path / "docs") == state
    assert leftovers(tmp_path) == []


def test_recover_keeps_a_completed_swap_and_removes_leftovers(tmp_path):
    make_folder(tmp_path / "docs", {"index.md": b"new"})
    state = snapshot(tmp_path / "docs")
    make_folder(tmp_path / ".docs.previous", {"index.md": b"old"})
    make_folder(tmp_path / ".docs.staging", {"index.md": b"partial"})
    write.recover(tmp_path / "docs")
    assert snapshot(tmp_path / "docs") == state and leftovers(tmp_path) == []


def test_a_failure_between_the_two_renames_puts_the_previous_folder_back(tmp_path, monkeypatch):
    target = tmp_path / "docs"
    write.write_files(target, {"index.md": b"old"})
    before = snapshot(target)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    rename = Path.rename

    def fail_second(self, destination):
        if self.name == ".docs.staging":
            raise OSError(28, "No space left on device", str(self))
        return rename(self, destination)

    monkeypatch.setattr(Path, "rename", fail_second)
    with pytest.raises(OutputError, match=r"the disk is full: no room to write docs/ in "):
        write.write_files(target, {"index.md": b"new"})
    assert snapshot(target) == before and leftovers(tmp_path) == []


def test_a_write_error_is_an_output_error_and_keeps_the_previous_folder(tmp_path, monkeypatch):
    target = tmp_path / "docs"
    write.write_files(target, {"index.md": b"old"})
    before = snapshot(target)

    def full(self, data):
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OutputError) as caught:
        write.write_files(target, {"index.md": b"new"})
    assert "the previous docs/ is unchanged" in str(caught.value)
    assert snapshot(target) == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [RuntimeError, KeyboardInterrupt])
def test_a_transaction_puts_every_swapped_folder_back_when_it_fails(tmp_path, swap_mode, failure):
    docs, site = tmp_path / "docs", tmp_path / "site"
    write.write_files(docs, {"index.md": b"old", "a.md": b"a"})
    before = snapshot(docs)
    with pytest.raises(failure), write.transaction():
        write.write_files(docs, {"index.md": b"new", "a.md": b"a"})
        with write.staged_folder(site) as stage:
            (stage.path / "index.html").write_bytes(b"<p>new")
        assert (docs / "index.md").read_bytes() == b"new" and site.is_dir()
        raise failure()
    assert snapshot(docs) == before
    assert not site.exists() and leftovers(tmp_path) == []


def test_a_transaction_that_succeeds_keeps_the_new_folders(tmp_path, swap_mode):
    docs = tmp_path / "docs"
    write.write_files(docs, {"index.md": b"old"})
    with write.transaction():
        write.write_files(docs, {"index.md": b"new"})
        assert leftovers(tmp_path) == [".docs.previous"]
    assert (docs / "index.md").read_bytes() == b"new" and leftovers(tmp_path) == []


def test_a_folder_is_swapped_in_once_per_transaction(tmp_path):
    docs = tmp_path / "docs"
    write.write_files(docs, {"index.md": b"old"})
    before = snapshot(docs)
    with pytest.raises(RuntimeError, match="already swapped in"), write.transaction():
        write.write_files(docs, {"index.md": b"new"})
        write.write_files(docs, {"index.md": b"newer"})
    assert snapshot(docs) == before and leftovers(tmp_path) == []


KILLED_IN_THE_SWAP_WINDOW = """
import os, signal, sys
from pathlib import Path
from generator import write

root, kill_at, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
swap, exchange = write._swap, write._exchange


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def swap_or_die(stage, target):
    if target.name == kill_at:
        die()
    swap(stage, target)


def exchange_or_die(a, b):
    if mode == "two renames":
        return False
    done = exchange(a, b)
    if b.name + ":exchanged" == kill_at:
        die()  # the new folder is in, the previous one still under the staging name
    return done


write._swap, write._exchange = swap_or_die, exchange_or_die
with write.transaction(), write.staged_folder(root / "docs") as docs:  # as pipeline.build orders them
    (docs.path / "index.md").write_bytes(b"new")
    with write.staged_folder(root / "site") as site, write.staged_folder(root / "site-offline") as offline:
        (site.path / "index.html").write_bytes(b"new")
        (offline.path / "index.html").write_bytes(b"new")
"""


def old_outputs(root: Path) -> dict[str, Snapshot]:
    write.write_files(root / "docs", {"index.md": b"old", "a.md": b"a"})
    write.write_files(root / "site", {"index.html": b"old"})
    write.write_files(root / "site-offline", {"index.html": b"old"})
    return {name: snapshot(root / name) for name in OUTPUTS}


@pytest.mark.parametrize("mode", ["exchange", "two renames"])
@pytest.mark.parametrize("kill_at", ["site", "docs", "docs:exchanged", "site-offline:exchanged"])
def test_a_kill_in_the_swap_window_is_undone_by_the_next_run_even_a_failing_one(tmp_path, kill_at, mode):
    """Killed after the sites are swapped in and before docs/ is: the next run, even one that fails,
    puts the three folders back as they were, never docs/ of one input and the sites of another."""
    if mode == "two renames" and kill_at.endswith(":exchanged"):
        pytest.skip("only an exchange has that window")
    before = old_outputs(tmp_path)
    process = subprocess.run(
        [sys.executable, "-c", KILLED_IN_THE_SWAP_WINDOW, str(tmp_path), kill_at, mode],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert (tmp_path / write.JOURNAL).exists(), "killed before the first swap: nothing to test"
    with pytest.raises(RuntimeError), write.transaction():  # a later run that fails
        write.write_files(tmp_path / "docs", {"index.md": b"newer"})
        raise RuntimeError("MkDocs failed")
    assert {name: snapshot(tmp_path / name) for name in OUTPUTS} == before
    assert leftovers(tmp_path) == [] and not (tmp_path / write.JOURNAL).exists()
    with write.transaction():  # and one that succeeds
        write.write_files(tmp_path / "docs", {"index.md": b"newer"})
    assert (tmp_path / "docs" / "index.md").read_bytes() == b"newer"
    assert leftovers(tmp_path) == [] and not (tmp_path / write.JOURNAL).exists()


def test_a_first_build_killed_in_the_swap_window_leaves_no_outputs(tmp_path):
    process = subprocess.run(
        [sys.executable, "-c", KILLED_IN_THE_SWAP_WINDOW, str(tmp_path), "docs", "exchange"],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert (tmp_path / "site").is_dir()
    write.recover(tmp_path / "docs")  # the next build's first step is the same
    write.write_files(tmp_path / "other", {"a": b"a"})
    assert not (tmp_path / "site").exists() and not (tmp_path / "site-offline").exists()
    assert leftovers(tmp_path) == [] and not (tmp_path / write.JOURNAL).exists()


def test_ctrl_c_is_held_while_folders_are_renamed():
    reached = False
    with pytest.raises(KeyboardInterrupt), write._interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        reached = True
    assert reached


# Real runs, interrupted ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built_once(real_site: Path) -> Path:
    """The project built from the bundled listings: the state an interrupted run must leave alone
    (only ever copied, never built in)."""
    return real_site


def changed_copy(built_once: Path, target: Path, papers: int) -> tuple[Path, dict[str, Snapshot]]:
    """A copy of the built project (times kept) with an extra listing, and the state of its outputs."""
    project = target / "p"
    shutil.copytree(built_once, project, symlinks=True)
    text, _ = realistic_listing(papers, seed=3)
    (project / "data" / "listings" / "extra.txt").write_text(text, encoding="utf-8")
    return project, {name: snapshot(project / name) for name in OUTPUTS}


def start_build(project: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a command in a terminal
    )


def wait_for_files_in(folder: Path, process: subprocess.Popen[str]) -> None:
    """Wait until the run has started writing into ``folder``."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with_files = folder.is_dir() and next(folder.rglob("*.*"), None) is not None
        if with_files:
            return
        if process.poll() is not None:
            pytest.fail(f"the build ended before writing {folder.name}: {process.communicate()[1][-2000:]}")
        time.sleep(0.001)
    pytest.fail(f"{folder.name} did not appear")


def stop(process: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str]:
    """Send ``sig`` to the run's process group (the generator and MkDocs); wait for all of it to end."""
    os.killpg(process.pid, sig)
    _, stderr = process.communicate(timeout=120)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    return process.returncode, stderr


def then_a_normal_build_succeeds_and_cleans_up(project: Path, same_input_again: bool = False) -> None:
    """Build after the interrupted run: with its input, or with the input of the state before it."""
    if same_input_again:
        (project / "data" / "listings" / "extra.txt").unlink()
    result = run_generator(project, "build")
    assert result.returncode == 0, result.stderr
    assert leftovers(project) == []
    if same_input_again:  # the state before the interrupted run was whole: nothing to write
        for name in OUTPUTS:
            assert f"{name}/: 0 written" in result.stderr, result.stderr
    else:
        assert "extra.txt" in (project / "docs" / "papers.csv").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("stage", [".docs.staging", ".site.staging"])
def test_ctrl_c_during_a_real_build_leaves_every_output_as_it_was(built_once, tmp_path, stage):
    project, before = changed_copy(built_once, tmp_path, papers=300)
    process = start_build(project)
    wait_for_files_in(project / stage, process)
    code, stderr = stop(process, signal.SIGINT)
    assert code == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted: docs/, site/ and site-offline/ are as they were before this run" in stderr
    for name in OUTPUTS:
        assert snapshot(project / name) == before[name], f"{name}/ changed"
    then_a_normal_build_succeeds_and_cleans_up(project, same_input_again=stage == ".docs.staging")


@pytest.mark.slow
def test_sigkill_while_docs_are_written_leaves_every_output_as_it_was(built_once, tmp_path):
    for attempt in range(3):
        project, before = changed_copy(built_once, tmp_path / str(attempt), papers=1500)
        process = start_build(project)
        wait_for_files_in(project / ".docs.staging", process)
        code, _ = stop(process, signal.SIGKILL)
        assert code == -signal.SIGKILL
        if (project / ".docs.staging").exists():
            break  # killed before the swap, as intended (else the machine was too slow to catch it: again)
    else:
        pytest.fail("could not kill the build while it was writing docs/")
    for name in OUTPUTS:
        assert snapshot(project / name) == before[name], f"{name}/ changed"
    then_a_normal_build_succeeds_and_cleans_up(project, same_input_again=True)


@pytest.mark.slow
def test_sigkill_during_mkdocs_leaves_both_sites_as_they_were(built_once, tmp_path):
    project, before = changed_copy(built_once, tmp_path, papers=300)
    process = start_build(project)
    wait_for_files_in(project / ".site.staging", process)
    code, _ = stop(process, signal.SIGKILL)
    assert code == -signal.SIGKILL
    for name in ("site", "site-offline"):
        assert snapshot(project / name) == before[name], f"{name}/ changed"
    then_a_normal_build_succeeds_and_cleans_up(project)


@pytest.mark.slow
def test_sigkill_during_mkdocs_leaves_docs_as_it_was(built_once, tmp_path):
    project, before = changed_copy(built_once, tmp_path, papers=300)
    process = start_build(project)
    wait_for_files_in(project / ".site.staging", process)
    stop(process, signal.SIGKILL)
    assert snapshot(project / "docs") == before["docs"]


@pytest.mark.slow
def test_mkdocs_dies_with_a_killed_build(built_once, tmp_path):
    """SIGKILL to the build alone (not its process group): its MkDocs children end with it instead
    of finishing their sites into staging folders on their own."""
    project, before = changed_copy(built_once, tmp_path, papers=300)
    process = start_build(project)
    wait_for_files_in(project / ".site.staging", process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=120)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the group is gone once every child has ended
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("MkDocs still runs two minutes after its build was killed")
    for staging in (".site.staging", ".site-offline.staging"):
        assert not (project / staging / "search" / "facets.js").exists(), f"an orphaned MkDocs finished {staging}"
    for name in OUTPUTS:
        assert snapshot(project / name) == before[name], f"{name}/ changed"
    then_a_normal_build_succeeds_and_cleans_up(project)


@pytest.mark.slow
def test_pagefind_dies_with_a_killed_build(built_once, tmp_path):
    """SIGKILL to the build alone while Pagefind's pages are written beside MkDocs: the process that
    writes them and Pagefind end with it, and the next build removes what they left."""
    project, before = changed_copy(built_once, tmp_path, papers=300)
    process = start_build(project, "--search", "pagefind")
    wait_for_files_in(project / ".site-offline.staging" / ".pagefind" / "pages", process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=120)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the group is gone once every child has ended
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("Pagefind or MkDocs still runs two minutes after its build was killed")
    for name in OUTPUTS:
        assert snapshot(project / name) == before[name], f"{name}/ changed"
    then_a_normal_build_succeeds_and_cleans_up(project)


# One build at a time in a project folder ------------------------------------------------------------

HOLD_LOCK = (
    "import sys, time; from pathlib import Path; from generator import write\n"
    "with write.exclusive(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(600)\n"
)


def hold_lock(folder: Path) -> subprocess.Popen[str]:
    """A process that holds ``folder``'s build lock until it is killed."""
    root = Path(__file__).resolve().parent.parent
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, folder], cwd=root, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_second_build_in_the_same_folder_stops_and_a_killed_one_does_not_block(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        with pytest.raises(OutputError) as caught, write.exclusive(tmp_path):
            pass
        assert str(caught.value) == (
            f".build.lock: another build is running in this folder (process {holder.pid}); "
            "wait for it to finish and run again. Nothing was changed"
        )
    finally:
        holder.kill()
        holder.wait()
    with write.exclusive(tmp_path):  # the system freed the killed holder's lock
        assert (tmp_path / write.LOCK).read_text() == f"{os.getpid()}\n"


def test_a_build_while_another_runs_exits_2_and_changes_nothing(built_once, tmp_path):
    project, before = changed_copy(built_once, tmp_path, papers=5)
    holder = hold_lock(project)
    try:
        result = run_generator(project, "build")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "error: .build.lock: another build is running in this folder" in result.stderr
    assert "Traceback" not in result.stderr
    for name in OUTPUTS:
        assert snapshot(project / name) == before[name], f"{name}/ changed"
    then_a_normal_build_succeeds_and_cleans_up(project)


@pytest.mark.slow
def test_two_builds_started_together_give_one_whole_site_and_one_clear_refusal(built_once, tmp_path):
    project, _ = changed_copy(built_once, tmp_path, papers=300)
    first, second = start_build(project), start_build(project)
    results = [(process.communicate(timeout=600)[1], process.returncode)[::-1] for process in (first, second)]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(stderr for code, stderr in results if code == 2)
    assert "another build is running in this folder" in refused and "Traceback" not in refused
    assert "extra.txt" in (project / "docs" / "papers.csv").read_text()
    assert leftovers(project) == []
