"""What a build computes from each paper's text alone, remembered between builds: a weekly rebuild
computes it for the new papers only.

A :class:`Cache` is a folder (``.cache/generator/`` in the project); each kind of value is one file
of it, a :class:`Table` keyed by a hash of the text the value comes from. A table is tied to the code
that computes its values: the source of the modules named, the versions of the packages named and
Python's, so that a change of any of them starts the table afresh. What a build did not ask for is
dropped when the table is saved, so a table holds the current papers only. A missing, stale or
unreadable file reads as an empty table, and a file that cannot be written is skipped: the cache
changes how soon a build ends, never what it makes.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
V = TypeVar("V")

FOLDER = Path(".cache") / "generator"
"""Where a project's cache lives, relative to the project (the folder of docs/ and site/)."""

_FORMAT = 1
"""The layout of a table's file: (format, stamp, {hash: value}), written by marshal."""


class Table(Generic[V]):
    """Values computed from texts (``get``), remembered in one file between builds. Values are what
    marshal writes: strings, bytes, numbers, and tuples or lists of them."""

    def __init__(self, path: Path | None, stamp: bytes) -> None:
        self._path = path
        self._stamp = stamp
        self._old: dict[bytes, V] | None = None  # read at the first ``get``: in the process that asks
        self._used: dict[bytes, V] = {}
        self.computed = 0
        """Values computed by this build (not found in the file)."""

    def get(self, text: str, compute: Callable[[str], V]) -> V:
        """The value of ``compute(text)``: remembered if this table has it."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self._used.get(key)
        if found is None:
            if self._old is None:
                self._old = _read(self._path, self._stamp) if self._path else {}
            found = self._old.get(key)
            if found is None:
                found = compute(text)
                self.computed += 1
            self._used[key] = found
        return found

    def save(self) -> None:
        """Write the values this build asked for, when they differ from the file's (atomically)."""
        if self._path is None or self._old is None or (not self.computed and self._used.keys() == self._old.keys()):
            return
        temporary = self._path.with_name(f".{self._path.name}.{os.getpid()}")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps((_FORMAT, self._stamp, self._used)))
            os.replace(temporary, self._path)
        except (OSError, ValueError):  # a read-only or full disk, a value marshal cannot write
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        finally:
            self._old, self._used = {}, {}  # saved once, when its stage ends: the memory is freed


class Cache:
    """A project's remembered values (``folder`` None: nothing is remembered)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def table(self, name: str, modules: Sequence[ModuleType], packages: Sequence[str] = ()) -> Table[Any]:
        """The table ``name``, valid while the source of ``modules`` and the versions of ``packages``
        and Python stay as they are."""
        stamp = hashlib.blake2b(digest_size=16)
        stamp.update(f"{_FORMAT} {sys.version_info[:2]}".encode())
        for module in modules:
            stamp.update(Path(module.__file__ or "").read_bytes())
        for package in packages:
            stamp.update(f"{package} {metadata.version(package)}".encode())
        return Table(self.folder / f"{name}.marshal" if self.folder else None, stamp.digest())


def saving(table: Table[Any], work: Callable[[], T]) -> Callable[[], T]:
    """``work``, then ``table`` saved: a stage that fills a table."""

    def run() -> T:
        result = work()
        table.save()
        return result

    return run


def _read(path: Path, stamp: bytes) -> dict[bytes, Any]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(data, tuple) and len(data) == 3 and data[:2] == (_FORMAT, stamp) and isinstance(data[2], dict)):
        return {}
    return data[2]
