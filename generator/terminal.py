"""What the command line prints, and the one way it prints it: without control characters.

Titles, organisations, file names and MkDocs's messages come from the user's input; printed as
they are, an escape sequence in a title (``ESC ]0;pwned BEL``) retitles the terminal, moves the
cursor or rewrites what an earlier line said. Every line the command line writes goes through
:func:`say` (text) or :func:`as_json` (JSON), which keep line ends and tabs and drop the rest of
the C0 and C1 controls and DEL.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters a terminal may act on: C0 but tab and line feed, DEL and C1 (``\\x9b`` is CSI)."""

_RAW_IN_JSON = re.compile("[\x7f-\x9f]")
"""Controls that ``json.dumps`` leaves raw (it escapes only C0)."""


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would act on."""
    return _CONTROL.sub("", text)


def say(text: object = "", *, error: bool = False, end: str = "\n", flush: bool = False) -> None:
    """Print ``text`` (on standard error if ``error``) with its control characters dropped."""
    stream: TextIO = sys.stderr if error else sys.stdout
    stream.write(printable(str(text)) + end)
    if flush:
        stream.flush()


def as_json(data: Any, **options: Any) -> str:
    """``data`` as JSON text with every control character escaped (``\\u009b``): the same data, inert."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(data, **options))
