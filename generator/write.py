"""The only module that changes the file system: staged folders swapped in whole.

A folder (docs/, site/) is rebuilt in a sibling staging folder and swapped in only when everything
succeeded, so an interrupted or failed run leaves the previous folder as it was. Files whose bytes
did not change are hard-linked from the previous folder, keeping their modification times, so a
rebuild of the same input touches nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

_STAGE = ".{name}.staging"
_OLD = ".{name}.previous"
_RENAME_EXCHANGE = 2


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
    changes: Changes | None = None
    """Set when the folder has been swapped in."""


def write_files(target: Path, files: Mapping[str, bytes]) -> Changes:
    """Make ``target`` hold exactly ``files`` (relative POSIX path -> bytes), atomically."""
    with staged_folder(target) as stage:
        for relative, data in files.items():
            path = stage.path.joinpath(*relative.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    assert stage.changes is not None
    return stage.changes


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Stage]:
    """Yield an empty staging folder; when the block succeeds, swap it in for ``target``."""
    recover(target)
    stage = target.parent / _STAGE.format(name=target.name)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    try:
        result = Stage(stage)
        yield result
        changes = _link_unchanged(stage, target)
        _swap(stage, target)
        result.changes = changes
    finally:
        for leftover in (stage, target.parent / _OLD.format(name=target.name)):
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)


def recover(target: Path) -> None:
    """Put back the previous folder if a run was interrupted in the middle of a swap."""
    old = target.parent / _OLD.format(name=target.name)
    if old.exists() and not target.exists():
        old.rename(target)


def _link_unchanged(stage: Path, target: Path) -> Changes:
    written = unchanged = 0
    before = {p.relative_to(target) for p in target.rglob("*") if p.is_file()} if target.is_dir() else set()
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        relative = path.relative_to(stage)
        previous = target / relative
        if relative in before and _same_bytes(path, previous):
            path.unlink()
            os.link(previous, path)
            unchanged += 1
        else:
            written += 1
        before.discard(relative)
    return Changes(written=written, unchanged=unchanged, removed=len(before))


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _swap(stage: Path, target: Path) -> None:
    """Exchange the two folders in one step where the system allows it, else in two renames."""
    if target.exists() and _exchange(stage, target):
        return
    old = target.parent / _OLD.format(name=target.name)
    if target.exists():
        target.rename(old)
    stage.rename(target)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not hasattr(os, "O_DIRECTORY"):
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
