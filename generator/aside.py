"""A stage run aside, in a forked child process, while this process runs another (the second core).

``Aside(work)`` forks; the child runs ``work()`` on its copy of the data and sends the result back
through a pipe, pickled as it goes (a large result is never held twice); ``result()`` waits for it.
The output is the same as running ``work()`` here: same function, same data. Where fork is missing
or fails, or only one core is usable, ``work()`` runs in this process when ``result()`` is called.

The child never returns into the caller's code and never touches the terminal: it ends with
``os._exit`` whatever happens. Ctrl-C ends it at once (it keeps the default action of SIGINT; the
parent gets its own ``KeyboardInterrupt``), an aside left unused is killed by ``cancel()`` (or
the ``with`` block), the system kills it if the parent dies (Linux), and an exception in the child
is raised again in the parent, with the child's traceback as a note.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_BUFFER = 1 << 20
"""Bytes buffered on each side of the pipe."""

_PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies."""


@dataclass(frozen=True)
class Usage:
    """What running the work cost, wherever it ran."""

    seconds: float
    """Wall time of the work."""
    cpu_seconds: float
    """CPU time of the work (the child's user + system time when it ran aside)."""
    peak_mib: float | None
    """The child's resident-set high-water mark (pages shared with the parent included); None in-process."""
    forked: bool
    """Whether the work ran in a child process."""


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether work can run aside: Linux (fork is unsafe on macOS, and the worker's death with its
    parent needs prctl), and a second core to run it."""
    return sys.platform == "linux" and hasattr(os, "fork") and usable_cores() >= 2


class Aside(Generic[T]):
    """``work()`` running in a forked child; ``result()`` is its value (or its exception)."""

    def __init__(self, work: Callable[[], T], fork: bool | None = None) -> None:
        self._work: Callable[[], T] | None = work
        self._pid: int | None = None
        self._fd: int | None = None
        self.usage: Usage | None = None
        """Set once the result is taken."""
        if fork if fork is not None else can_fork():
            self._fork()

    def _fork(self) -> None:
        try:
            read, write = os.pipe()
        except OSError:  # out of file descriptors: run here instead
            return
        # SIGINT is held across fork, so the child can reset it before one arrives.
        prctl = _prctl()  # looked up here: the child should call, not load, anything
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        parent = os.getpid()
        try:
            pid = os.fork()
            if pid == 0:  # the child: never leaves this block
                try:
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
                    _die_with(parent, prctl)
                    os.close(read)
                    _child(self._work, write)  # type: ignore[arg-type]
                finally:
                    os._exit(70)  # reached only if sending the result failed
        except BaseException as error:
            os.close(read)
            os.close(write)
            if isinstance(error, OSError):  # no process to spare (a limit, memory): run here instead
                return
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # only the parent gets here
        os.close(write)
        self._pid, self._fd, self._work = pid, read, None

    def result(self) -> T:
        """Wait for the work and return its value; its exception is raised here."""
        if self._pid is None:
            if self._work is None:
                raise RuntimeError("the result of this aside was already taken")
            work, self._work = self._work, None
            began, cpu = time.perf_counter(), time.process_time()
            value = work()
            self.usage = Usage(time.perf_counter() - began, time.process_time() - cpu, None, False)
            return value
        # Each resource is taken from self before the call that can be interrupted (Ctrl-C) uses it,
        # so that cancel() never closes the pipe twice.
        fd, self._fd = self._fd, None
        assert fd is not None
        try:
            with open(fd, "rb", buffering=_BUFFER) as pipe:  # closes the pipe
                try:
                    ok, sent, seconds = pickle.load(pipe)
                    problem = None
                except Exception as error:  # no result, or one that cannot be rebuilt
                    problem = error
            _, status, usage = os.wait4(self._pid, 0)
        except BaseException:
            self.cancel()
            raise
        self._pid = None
        if problem is not None:
            raise RuntimeError(
                f"a worker process ended without a readable result ({_status(status)}; {problem!r})"
            ) from None
        self.usage = Usage(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, True)
        if not ok:
            raise sent
        result: T = sent
        return result

    def cancel(self) -> None:
        """Stop the child if it still runs and reap it (a Ctrl-C may come after it was reaped)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
        pid, self._pid = self._pid, None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self._work = None

    def __enter__(self) -> Aside[T]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.cancel()


def _child(work: Callable[[], Any], fd: int) -> None:
    """Run the work and write ``(ok, value or exception, seconds)`` to ``fd``, pickled."""
    began = time.perf_counter()
    try:
        outcome: tuple[bool, Any, float] = (True, work(), 0.0)
    except BaseException as error:  # sent to the parent, which raises it
        error.add_note(f"(in a worker process)\n{''.join(traceback.format_exception(error)).rstrip()}")
        outcome = (False, _portable(error), 0.0)
    outcome = (outcome[0], outcome[1], time.perf_counter() - began)
    with open(fd, "wb", buffering=_BUFFER) as pipe:  # a new file object: none of the parent's locks
        pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)  # a failure here: exit status 70
    os._exit(0)


def _portable(error: BaseException) -> BaseException:
    """``error`` if the parent can rebuild it from a pickle; else a RuntimeError with its type, message
    and notes (an exception class whose ``__init__`` takes other arguments, or that holds something
    that cannot be pickled, would otherwise reach the parent as "no readable result")."""
    try:
        pickle.loads(pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        copy = RuntimeError(f"{type(error).__name__}: {error}")
        for note in getattr(error, "__notes__", ()):
            copy.add_note(note)
        return copy
    return error


def _prctl() -> Callable[..., int] | None:
    """prctl(2) from the C library, or None where there is none."""
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


def die_with_parent(parent: int) -> None:
    """Have the system kill this process when process ``parent`` ends (Linux; elsewhere nothing)."""
    _die_with(parent, _prctl())


def _die_with(parent: int, prctl: Callable[..., int] | None) -> None:
    """Have the system kill this child when its parent dies (Linux), rather than let it finish alone."""
    if prctl is None:  # the child ends when it finds the pipe closed
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
