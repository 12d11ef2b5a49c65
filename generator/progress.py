"""Work done inside the running stage, for the progress bar ``run.Run`` draws.

A stage that knows how much work it has (``Run.stage(name, work, total=N)``) counts it here as
it goes (``advance()``, cheap enough to call once per paper); the bar's thread reads the count.
Stages that are not drawn as a bar may call it too: it only adds to a number.
"""

from __future__ import annotations

_done = 0


def advance(amount: int = 1) -> None:
    """Count ``amount`` units of the running stage's work as done."""
    global _done
    _done += amount


def done() -> int:
    """Units of work counted since the last :func:`reset`."""
    return _done


def reset() -> None:
    """Start counting a new stage's work."""
    global _done
    _done = 0
