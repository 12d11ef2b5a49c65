"""The formats pages and exports are written in, exactly as the libraries write them, faster.

- :func:`front_matter`: a page's YAML front matter, the bytes ``yaml.safe_dump`` writes (the
  structure written here, each distinct scalar by the YAML library once);
- :func:`json_text`, :func:`json_file`: what ``json.dumps(indent=1)`` writes (the structure written
  here, each scalar by the json module's C encoder).

Both fall back to the library itself for anything they do not write (``_NotFast``).
``python -m bench equivalence`` compares them with the libraries on random data.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from .escape import Trusted

_FAST_SAFE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd]{0,1000}")
"""Strings libyaml's emitter writes exactly as PyYAML's Python emitter does (checked by fuzzing, see
bench/README.md); on others (emoji, ``\\r``, ``\\x85``...) they quote differently."""


class _NotFast(Exception):
    """Data the fast path does not write: the front matter is written by ``yaml.safe_dump`` itself."""


_YAML_OPTIONS: dict[str, Any] = {
    "sort_keys": False,
    "allow_unicode": True,
    "width": 10_000,
    "default_flow_style": False,
}
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.lru_cache(maxsize=1 << 18)
def _scalar(kind: str, value: Any) -> str:
    """How ``yaml.safe_dump`` writes a scalar as a block mapping value or sequence item (one line).

    A function of the value alone: which style (plain, quoted) depends on the text and on its
    implicit tag, never on the place, since no line is long enough to be folded.
    """
    if kind == "str" and not _FAST_SAFE.fullmatch(value):
        raise _NotFast
    text: str = yaml.dump({"k": value}, Dumper=_SCALAR_DUMPER, **_YAML_OPTIONS)
    if not text.startswith("k: ") or text.count("\n") != 1:
        raise _NotFast
    return text[3:-1]


@functools.lru_cache(maxsize=1 << 12)
def _key(key: str) -> str:
    """How ``yaml.safe_dump`` writes a mapping key (a simple key: short, one line)."""
    if not key or len(key) > 100 or not _FAST_SAFE.fullmatch(key):  # libyaml writes '' as a simple key
        raise _NotFast
    text: str = yaml.dump({key: None}, Dumper=_SCALAR_DUMPER, **_YAML_OPTIONS)
    if not text.endswith(": null\n") or text.count("\n") != 1 or text.startswith("?"):
        raise _NotFast
    return text[: -len(": null\n")]


def _emit_mapping(data: dict[Any, Any], indent: str, out: list[str], seen: set[int]) -> None:
    """Write a non-empty block mapping as ``yaml.safe_dump`` does, each line but the first indented."""
    first = True
    for key, value in data.items():
        if type(key) is not str:
            raise _NotFast
        out.append(_key(key) if first else f"{indent}{_key(key)}")
        first = False
        kind = type(value)
        if kind in _SCALARS:
            out.append(f": {_scalar(kind.__name__, value)}\n")
        elif kind is dict or kind is list:
            if id(value) in seen:  # a repeated object: the dumper writes an anchor and an alias
                raise _NotFast
            seen.add(id(value))
            if not value:
                out.append(": {}\n" if kind is dict else ": []\n")
            elif kind is dict:
                out.append(f":\n{indent}  ")
                _emit_mapping(value, indent + "  ", out, seen)
            else:
                out.append(":\n")
                _emit_sequence(value, indent, out, seen)  # a sequence in a mapping is not indented
        else:
            raise _NotFast


def _emit_sequence(items: list[Any], indent: str, out: list[str], seen: set[int]) -> None:
    """Write a non-empty block sequence of scalars and mappings as ``yaml.safe_dump`` does."""
    for item in items:
        kind = type(item)
        if kind in _SCALARS:
            out.append(f"{indent}- {_scalar(kind.__name__, item)}\n")
        elif kind is dict:
            if id(item) in seen:
                raise _NotFast
            seen.add(id(item))
            if not item:
                out.append(f"{indent}- {{}}\n")
            else:
                out.append(f"{indent}- ")
                _emit_mapping(item, indent + "  ", out, seen)
        else:
            raise _NotFast


def _fast_dump(data: dict[str, Any]) -> str:
    """``yaml.safe_dump(data, **_YAML_OPTIONS)`` for the front matter the generator writes, faster.

    The structure (block mappings and sequences, two-space indent, sequences in mappings not
    indented, empty ones as ``{}`` and ``[]``) is written here; each distinct scalar is written by
    the YAML library once. Anything else (other keys, types, nesting, repeated objects) raises
    ``_NotFast``.
    """
    if not data:
        raise _NotFast
    out: list[str] = []
    _emit_mapping(data, "", out, {id(data)})
    return "".join(out)


def front_matter(data: Mapping[str, Any]) -> Trusted:
    """A YAML front matter block written by the YAML library (titles hold colons, quotes, #, |, braces)."""
    try:
        text = _fast_dump(dict(data))
    except _NotFast:
        text = yaml.safe_dump(dict(data), **_YAML_OPTIONS)
    return Trusted(f"---\n{text}---\n")


def json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)``, faster.

    With an indent, the json module encodes in Python; here the structure (one space of indent per
    level, ``,`` at line ends, ``: `` after keys, ``[]`` and ``{}`` when empty) is written directly
    and each scalar is encoded by the module's C encoder. Only plain dicts with string keys, lists,
    strings, ints, floats, booleans and None; anything else is left to ``json.dumps``.
    """
    try:
        if type(value) is list and value:  # the records: joined one by one, so pieces do not pile up
            items = []
            for item in value:
                out: list[str] = []
                _json_value(item, "\n ", out)
                items.append("".join(out))
            return "[\n " + ",\n ".join(items) + "\n]"
        out = []
        _json_value(value, "\n", out)
    except _NotFast:
        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False)
    return "".join(out)


def json_file(records: list[Any]) -> bytes:
    """``(json_text(records) + "\\n").encode("utf-8")``, each record encoded as soon as it is
    written: the export of 100k papers is never held whole as text."""
    out = io.BytesIO()
    try:
        for index, record in enumerate(records):
            parts: list[str] = [",\n " if index else "[\n "]
            _json_value(record, "\n ", parts)
            out.write("".join(parts).encode("utf-8"))
    except _NotFast:
        return (json_text(records) + "\n").encode("utf-8")
    out.write(b"\n]\n" if records else b"[]\n")
    return out.getvalue()


_JSON_SCALAR = json.JSONEncoder(ensure_ascii=False).encode
_JSON_STRING: Any = json.encoder.encode_basestring  # what _JSON_SCALAR does with a str, without its checks
_JSON_CONSTANTS = {None: "null", True: "true", False: "false"}
_JSON_SCALARS = (int, float, bool, type(None))


def _json_value(value: Any, newline: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_JSON_STRING(value))
    elif kind is type(None) or kind is bool:
        out.append(_JSON_CONSTANTS[value])
    elif kind in _JSON_SCALARS:
        out.append(_JSON_SCALAR(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + " "
        separator = "{"
        for key, item in value.items():
            if type(key) is not str:
                raise _NotFast  # json.dumps converts other keys to strings
            out.append(f"{separator}{inner}{_JSON_STRING(key)}: ")
            _json_value(item, inner, out)
            separator = ","
        out.append(newline + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = newline + " "
        if all(type(item) is str for item in value):  # most lists: slugs, names
            out.append(f"[{inner}{(',' + inner).join(map(_JSON_STRING, value))}{newline}]")
            return
        separator = "["
        for item in value:
            out.append(separator + inner)
            _json_value(item, inner, out)
            separator = ","
        out.append(newline + "]")
    else:
        raise _NotFast
