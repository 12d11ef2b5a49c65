"""Run a Python module as a child process that dies with the build that started it.

``python -m generator.tethered PARENT MODULE [ARG ...]`` asks the system (Linux ``prctl``, as
:mod:`generator.aside` does for its forks) to kill this process when ``PARENT`` ends, then runs
``MODULE`` as ``python -m MODULE ARG ...`` would. The MkDocs builds run this way: a build killed
outright (SIGKILL, which it cannot pass on) does not leave MkDocs running on its own, writing into
staging folders that the next build removes.
"""

from __future__ import annotations

import os
import runpy
import sys

from .aside import die_with_parent


def command(module: str, *args: str) -> list[str]:
    """The command that runs ``python -m module args`` tied to this process."""
    return [sys.executable, "-m", __name__, str(os.getpid()), module, *args]


def main(argv: list[str]) -> None:
    """Tie this process to its parent, then run the module with its arguments."""
    parent, module, *args = argv
    die_with_parent(int(parent))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
