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

    def __init__(self, path: Path, stamp: bytes) -> None:
        self._path = path
        self._stamp = stamp
        self._old: dict[bytes, V] | None = None  # read at the first ``get``: in the process that asks
        self._used: dict[bytes, V] = {}
        self.computed = 0
        """Values computed by this build (not found in the file)."""

    def get(self, text: str, compute: Callable[[str], V]) -> V:
        """The value of ``compute(text)``: remembered if this table has it."""
        key = self._key(text)
        found = self._used.get(key)
        if found is None:
            found = self._remembered().get(key)
            if found is None:
                found = compute(text)
                self.computed += 1
            self._used[key] = found
        return found

    def get_many(self, texts: Sequence[str], compute: Callable[[list[int]], Sequence[V]]) -> list[V]:
        """The value of each text, those not remembered computed at once: ``compute`` is given their
        positions in ``texts`` (a value that the texts are read for together, such as keyword counts
        from one index of them)."""
        keys = [self._key(text) for text in texts]
        old = self._remembered()
        found: list[V | None] = [self._used.get(key, old.get(key)) for key in keys]
        missing = [i for i, value in enumerate(found) if value is None]
        if missing:
            for i, value in zip(missing, compute(missing), strict=True):
                found[i] = value
            self.computed += len(missing)
        values = [value for value in found if value is not None]
        self._used.update(zip(keys, values, strict=True))
        return values

    def known(self, texts: Sequence[str]) -> int:
        """How many of ``texts`` this table remembers (the file is read again where the values are
        asked for: often another process)."""
        old = self._remembered()
        count = sum(1 for text in texts if self._key(text) in old)
        if not self._used:
            self._old = None
        return count

    def _remembered(self) -> dict[bytes, V]:
        if self._old is None:
            self._old = _read(self._path, self._stamp)
        return self._old

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def save(self) -> None:
        """Write the values this build asked for, when they differ from the file's (atomically); the
        table is saved once, when its stage ends, and its values are then let go."""
        try:
            if self._old is not None and (self.computed or self._used.keys() != self._old.keys()):
                self._write(self._path)
        finally:
            self._old, self._used = {}, {}

    def _write(self, path: Path) -> None:
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps((_FORMAT, self._stamp, self._used)))
            os.replace(temporary, path)
            for stale in path.parent.glob(f".{path.name}.*"):  # left by a build killed while it wrote
                stale.unlink(missing_ok=True)
        except (OSError, ValueError):  # a read-only or full disk, a value marshal cannot write
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


class Cache:
    """A project's remembered values (``folder`` None: nothing is remembered)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def table(
        self, name: str, modules: Sequence[ModuleType], packages: Sequence[str] = (), data: str = ""
    ) -> Table[Any] | None:
        """The table ``name``, valid while the source of ``modules``, the versions of ``packages`` and
        Python, and ``data`` (what else the values depend on, such as the taxonomy) stay as they are;
        None when nothing is remembered (the stages then compute everything, hashing nothing)."""
        if self.folder is None:
            return None
        stamp = hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=16)
        stamp.update(f"{_FORMAT} {sys.version_info[:2]}".encode())
        for module in modules:
            try:
                stamp.update(Path(module.__file__ or "").read_bytes())
            except OSError:  # no source to stamp with (an installation without it): nothing remembered
                return None
        for package in packages:
            try:
                version = metadata.version(package)
            except metadata.PackageNotFoundError:  # the stage that needs it says so, with what to do
                version = "missing"
            stamp.update(f"{package} {version}".encode())
        return Table(self.folder / f"{name}.marshal", stamp.digest())


def saving(table: Table[Any] | None, work: Callable[[], T]) -> Callable[[], T]:
    """``work``, then ``table`` saved: a stage that fills a table."""
    if table is None:
        return work

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
