"""The formats pages and exports are written in (generator/emit/formats.py): the same bytes as the
YAML and JSON libraries write, whatever the data (``python -m bench equivalence`` fuzzes more)."""

from __future__ import annotations

import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.emit.formats import _YAML_OPTIONS, front_matter, json_file, json_text

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)

FRONT_MATTER = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3),
        max_leaves=10,
    ),
    max_size=6,
)


@given(st.lists(JSON_VALUES, max_size=5))
def test_papers_json_is_what_json_dumps_writes(records):
    """The export is written record by record, the same bytes as one ``json.dumps(indent=1)``."""
    assert json_file(records) == (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@given(JSON_VALUES)
def test_json_text_is_what_json_dumps_writes(value):
    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=1)


@given(FRONT_MATTER)
def test_front_matter_is_what_yaml_safe_dump_writes(data):
    assert front_matter(data) == f"---\n{yaml.safe_dump(data, **_YAML_OPTIONS)}---\n"


def test_front_matter_of_hostile_titles_reads_back_as_written() -> None:
    titles = ["key: value # comment", "- not a list", "'single' \"double\"", "{a: b}", "|", "> x", "null", "1e3"]
    data = {"title": titles[0], "tags": titles, "paper": {"slug": "a", "related": []}}
    assert yaml.safe_load(front_matter(data).removeprefix("---\n").removesuffix("---\n")) == data
