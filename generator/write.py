"""The only module that changes the file system: staged folders swapped in whole.

A folder (docs/, site/) is rebuilt in a sibling staging folder and swapped in only when everything
succeeded, so an interrupted or failed run leaves the previous folder as it was. Files whose bytes
did not change are hard-linked from the previous folder, keeping their modification times, so a
rebuild of the same input touches nothing.

The swap is one ``renameat2(RENAME_EXCHANGE)`` where the system has it, else two renames (target to
``.NAME.previous``, stage to target); Ctrl-C is held off while folders are renamed. A run killed
between the two renames leaves no target but a previous folder: ``recover()``, called before every
staging, puts it back and removes leftovers. Inside ``transaction()`` (one ``build``), the previous
folders are kept until the block ends and put back if it fails or is interrupted, so docs/ is not
left newer than the sites when MkDocs fails or the user presses Ctrl-C.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import functools
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from . import progress
from .errors import OutputError

_STAGE = ".{name}.staging"
_OLD = ".{name}.previous"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

_swapped: ContextVar[list[tuple[Path, bool]] | None] = ContextVar("swapped", default=None)
"""The folders swapped in inside the current ``transaction()``, oldest first, each with whether it
replaced a previous folder (None: no transaction)."""


@dataclass(frozen=True)
class Changes:
    """What a swap changed in a folder."""

    written: int
    """Files that are new or whose bytes changed."""
    unchanged: int
    """Files kept as they were (same bytes, same modification time)."""
    removed: int
    """Files of the previous folder that are gone."""


@dataclass
class Stage:
    """A staging folder and, once swapped in, what the swap changed."""

    path: Path
    """The folder to fill."""
    target: Path
    """The folder it replaces."""
    changes: Changes | None = None
    """Set when the folder has been swapped in."""


def write_files(target: Path, files: Mapping[str, bytes]) -> Changes:
    """Make ``target`` hold exactly ``files`` (relative POSIX path -> bytes), atomically."""
    with staged_folder(target) as stage:
        fill(stage, files)
    assert stage.changes is not None
    return stage.changes


def fill(stage: Stage, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative POSIX path -> bytes) into a staging folder."""
    made: set[Path] = set()  # folders made so far: most files share one
    try:
        for relative, data in files.items():
            path = stage.path.joinpath(*relative.split("/"))
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
            progress.advance()
    except OSError as error:
        raise _output_error(stage.target, error) from None


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Stage]:
    """Yield an empty staging folder; when the block succeeds, swap it in for ``target``."""
    if any(target == done for done, _ in _swapped.get() or ()):
        raise RuntimeError(f"{target} was already swapped in by this transaction")
    recover(target)
    stage, previous = _stage_of(target), _previous_of(target)
    try:
        stage.mkdir(parents=True)
    except OSError as error:
        raise _output_error(target, error) from None
    try:
        result = Stage(stage, target)
        yield result
        try:
            changes = _link_unchanged(stage, target)
            with _interrupts_held():
                replaced = target.exists()
                _swap(stage, target)
                swapped = _swapped.get()
                if swapped is not None:
                    swapped.append((target, replaced))
        except OSError as error:
            raise _output_error(target, error) from None
        result.changes = changes
    finally:
        with _interrupts_held():
            _restore(target)
            _remove(stage)
    if _swapped.get() is None:
        _remove(previous)


LOCK = ".build.lock"
"""The file a build holds locked in the project folder while it runs; the system frees it when the
process ends, however it ends, so a killed build never blocks the next one."""


@contextlib.contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold the project's build lock for the block: a second build in the same folder stops at once."""
    path = root / LOCK
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as error:
        raise _output_error(root, error) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputError(
                f"another build is running in this folder (process {holder}); wait for it to finish "
                "and run again. Nothing was changed",
                LOCK,
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(handle)  # closing frees the lock


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """Keep every folder swapped in during the block undoable; put them all back if the block fails."""
    swapped: list[tuple[Path, bool]] = []
    token = _swapped.set(swapped)
    try:
        yield
    except BaseException:
        with _interrupts_held():
            for target, replaced in reversed(swapped):
                with contextlib.suppress(OSError):  # best effort: recover() finishes the job next time
                    _undo(target, replaced)
        raise
    finally:
        _swapped.reset(token)
    for target, _ in swapped:
        _remove(_previous_of(target))


def recover(target: Path) -> None:
    """Make ``target`` whole after a run was killed: put its previous folder back if it is missing, drop leftovers."""
    try:
        _restore(target)
        for leftover in (_stage_of(target), _previous_of(target)):
            if leftover.exists():
                shutil.rmtree(leftover)
    except OSError as error:
        raise OutputError(
            f"cannot clean up after an interrupted run ({error.strerror}: {error.filename}); "
            "remove the leftover folder by hand and run again",
            _display(target),
        ) from None


def _stage_of(target: Path) -> Path:
    return target.parent / _STAGE.format(name=target.name)


def _previous_of(target: Path) -> Path:
    return target.parent / _OLD.format(name=target.name)


def _restore(target: Path) -> None:
    """The second rename of a fallback swap did not happen: the previous folder goes back."""
    previous = _previous_of(target)
    if previous.exists() and not target.exists():
        previous.rename(target)


def _remove(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _link_unchanged(stage: Path, target: Path) -> Changes:
    written = unchanged = 0
    before = set(_files_under(target)) if target.is_dir() else set()
    for relative in _files_under(stage):
        if relative in before and _same_bytes(stage / relative, target / relative):
            _keep(target / relative, stage / relative)
            unchanged += 1
        else:
            written += 1
        before.discard(relative)
    return Changes(written=written, unchanged=unchanged, removed=len(before))


def _files_under(folder: Path) -> list[str]:
    """The files under ``folder`` as relative paths (strings: Path objects cost more than the walk)."""
    found: list[str] = []
    for parent, _, names in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        found.extend(names if relative == "." else (os.path.join(relative, name) for name in names))
    return found


def _keep(previous: Path, path: Path) -> None:
    """Make ``path`` (same bytes as ``previous``) the previous file: a hard link, else its modification time."""
    link = path.with_name(f".{path.name}.link")
    try:
        os.link(previous, link)
    except OSError:  # a file system without hard links: same bytes, same time
        status = previous.stat()
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    else:
        os.replace(link, path)


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _swap(stage: Path, target: Path) -> None:
    """Put ``stage`` in place of ``target``; the previous target, if any, is left as ``.NAME.previous``."""
    previous = _previous_of(target)
    if target.exists() and _exchange(stage, target):
        try:
            stage.rename(previous)
        except OSError:
            _exchange(stage, target)  # put the previous folder back before reporting
            raise
        return
    if target.exists():
        target.rename(previous)
    stage.rename(target)


def _undo(target: Path, replaced: bool) -> None:
    """Put back the folder that ``target`` replaced in this transaction (none: remove ``target``)."""
    previous, stage = _previous_of(target), _stage_of(target)
    if replaced and not previous.exists():
        return  # nothing to put back: leave the new folder rather than none
    if previous.exists() and target.exists() and _exchange(previous, target):
        shutil.rmtree(previous)
        return
    _remove(stage)
    if target.exists():
        target.rename(stage)
    if previous.exists():
        previous.rename(target)
    _remove(stage)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not hasattr(os, "O_DIRECTORY"):
        return None
    function: Callable[..., int] | None = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None)
    return function


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C until the block is done, so folders are never left half renamed or unrecorded."""
    handler = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(handler):
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
    if received:
        handler(signal.SIGINT, None)


def _output_error(target: Path, error: OSError) -> OutputError:
    return OutputError(
        f"cannot write {target.name}/ ({error.strerror}: {error.filename}); the previous {target.name}/ is "
        "unchanged: free space or fix permissions and run again",
        _display(target),
    )


def _display(target: Path) -> str:
    try:
        return target.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return target.as_posix()
