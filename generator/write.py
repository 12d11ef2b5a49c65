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

A build killed outright (SIGKILL, power cut) between swapping in the sites and docs/ cannot put
anything back itself. So a transaction notes each folder it stages in a journal (:data:`JOURNAL`),
and removes the journal once every folder is in: that is its commit. A journal found before
the next staging belongs to a build that never committed, and every folder it names goes back
(:func:`roll_back`): docs/, site/ and site-offline/ change together or not at all.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import errno
import fcntl
import functools
import json
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

JOURNAL = ".build.journal"
"""The file, beside the folders, where a transaction notes each folder it stages, before it can be
swapped in: one JSON line per folder (:class:`Swap`); removed when the transaction commits."""

_swapped: ContextVar[list[tuple[Path, bool]] | None] = ContextVar("swapped", default=None)
"""The folders staged (to be swapped in) inside the current ``transaction()``, oldest first, each
with whether it replaces a previous folder (None: no transaction)."""


@dataclass(frozen=True)
class Changes:
    """What a swap changed in a folder."""

    written: int
    """Files that are new or whose bytes changed."""
    unchanged: int
    """Files kept as they were (same bytes, same modification time)."""
    removed: int
    """Files of the previous folder that are gone."""


@dataclass(frozen=True)
class Swap:
    """A journal's line: a folder a transaction swapped in (or was about to)."""

    name: str
    """The folder's name (beside the journal)."""
    replaced: bool
    """Whether a previous folder of that name was there."""
    inode: int
    """The new folder's inode number: what tells whether the swap happened."""


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
    swapped = _swapped.get()
    if any(target == done for done, _ in swapped or ()):
        raise RuntimeError(f"{target} was already swapped in by this transaction")
    if not any(done.parent == target.parent for done, _ in swapped or ()):  # not this build's journal
        _roll_back_or_explain(target)
    recover(target)
    stage, previous = _stage_of(target), _previous_of(target)
    try:
        stage.mkdir(parents=True)
        if swapped is not None:
            replaced = target.exists()
            _note(target.parent, Swap(target.name, replaced, stage.stat().st_ino))
            swapped.append((target, replaced))
    except OSError as error:
        raise _output_error(target, error) from None
    try:
        result = Stage(stage, target)
        yield result
        try:
            changes = _link_unchanged(stage, target)
            with _interrupts_held():
                _swap(stage, target)
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
            for parent in _parents(swapped):
                with contextlib.suppress(OSError):  # best effort: the next build finishes the job
                    roll_back(parent)
        raise
    finally:
        _swapped.reset(token)
    for parent in _parents(swapped):
        (parent / JOURNAL).unlink(missing_ok=True)  # the commit: from here on, the new folders stay
    for target, _ in swapped:
        _remove(_previous_of(target))


def _parents(swapped: list[tuple[Path, bool]]) -> list[Path]:
    """The folders holding the journals of a transaction's swaps."""
    return list(dict.fromkeys(target.parent for target, _ in swapped))


def roll_back(parent: Path) -> None:
    """Put back, newest first, every folder the journal in ``parent`` names (a build that did not
    commit), then remove the journal; without a journal, nothing."""
    journal = parent / JOURNAL
    try:
        lines = journal.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    swaps = []
    for line in lines:
        try:
            swap = Swap(**json.loads(line))
        except (ValueError, TypeError):
            continue  # a line cut short by a kill: its folder was not staged yet
        if Path(swap.name).name == swap.name and swap.name not in ("", ".", ".."):  # beside the journal only
            swaps.append(swap)
    for swap in reversed(swaps):
        _put_back(parent / swap.name, swap)
        recover(parent / swap.name)
    journal.unlink()


def _roll_back_or_explain(target: Path) -> None:
    try:
        roll_back(target.parent)
    except OSError as error:
        raise OutputError(
            f"cannot put back the folders of a build that was killed ({error.strerror}: {error.filename}); "
            f"free space or fix permissions and run again",
            _display(target.parent / JOURNAL),
        ) from None


def _note(parent: Path, swap: Swap) -> None:
    """Add a swap to the journal in ``parent``, on disk before the swap is made."""
    with open(parent / JOURNAL, "a", encoding="utf-8") as journal:
        journal.write(json.dumps(dataclasses.asdict(swap)) + "\n")
        journal.flush()
        os.fsync(journal.fileno())


def _put_back(target: Path, swap: Swap) -> None:
    """Undo one journal's swap, wherever a kill left it: before, inside (two renames, or an exchange
    not yet followed by its rename) or after it; a swap already undone is left alone."""
    _restore(target)  # killed between the two renames: the previous folder is back, the new one aside
    if not target.exists() or target.stat().st_ino != swap.inode:
        return  # the swap did not happen, or is undone; recover() removes what is left
    previous, stage = _previous_of(target), _stage_of(target)
    old = next((p for p in (previous, stage) if p.exists() and p.stat().st_ino != swap.inode), None)
    if old is None:
        if not swap.replaced:
            shutil.rmtree(target)  # the first build of this folder: there was none before it
        return  # replaced, but the previous folder is gone: keep the new one rather than none
    if _exchange(old, target):
        shutil.rmtree(old)
        return
    aside = stage if old == previous else previous
    _remove(aside)
    target.rename(aside)
    old.rename(target)
    shutil.rmtree(aside)


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
    if error.errno in _DISK_FULL:
        return no_space(target)
    where = f": {error.filename}" if error.filename else ""
    return OutputError(
        f"cannot write {target.name}/ ({error.strerror or error}{where}); the previous {target.name}/ is "
        "unchanged: fix permissions and run again",
        _display(target),
    )


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
"""What a write that found the disk (or the user's quota) full fails with."""


def is_disk_full(error: OSError | str) -> bool:
    """Whether an error (or a child process's output, such as MkDocs's traceback) says the disk is full."""
    if isinstance(error, OSError):
        return error.errno in _DISK_FULL
    return any(f"[Errno {code}]" in error or os.strerror(code) in error for code in _DISK_FULL)


def no_space(target: Path) -> OutputError:
    """The error of a build that found no room to write ``target``: which disk, how much is free,
    about how much to free (a rebuild holds a second copy of the folder until it is swapped in)."""
    parent = target.parent.resolve()
    try:
        free = f"{_megabytes(shutil.disk_usage(parent).free)} free"
    except OSError:
        free = "no free space known"
    size = _size_of(target)
    need = f"about {_megabytes(size)} (the size of {target.name}/) " if size else ""
    return OutputError(
        f"the disk is full: no room to write {target.name}/ in {parent} ({free}). A build needs room for a "
        f"second copy of {target.name}/ until it is swapped in: free {need}on that disk (old copies of the "
        f"site, zip files, caches) and run again; the previous {target.name}/ is unchanged",
        _display(target),
    )


def _size_of(folder: Path) -> int:
    """The bytes of the files under ``folder`` (0 when there is none)."""
    total = 0
    for relative in _files_under(folder) if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            total += (folder / relative).stat().st_size
    return total


def _megabytes(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


def _display(target: Path) -> str:
    try:
        return target.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return target.as_posix()
