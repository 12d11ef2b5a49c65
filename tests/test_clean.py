"""Text clean-up: whitespace, Unicode, stray LaTeX and links."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.clean import clean_text, extract_links

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("PIXART-\\alpha excels", "PIXART-α excels"),
        ("value of $α$ here", "value of α here"),
        ("12.5\\% better", "12.5% better"),
        ("this \\emph{scan and snap} dynamic", "this scan and snap dynamic"),
        ("One For All (\\textsc{Ofa}), which", "One For All (Ofa), which"),
        ("adapted (\\eg text prompts)", "adapted (e.g. text prompts)"),
        ("costs $5 and $6 total", "costs $5 and $6 total"),
        ("  spaced\u00a0out\t\ttext \u200b ", "spaced out text"),
        ("Nystro\u0308mformer", "Nyströmformer"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@given(st.text(st.sampled_from([*WHITESPACE, "a", "B", "é", "\u200b", "\x00", "\ue000", "-", "."]), max_size=30))
def test_whitespace_of_every_kind_folds_to_single_spaces(text):
    """Whatever shortcut skips the folding, the result is the regex fold of every whitespace run."""
    folded = re.sub(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", text.replace("\u200b", "")).strip()
    assert clean_text(text) == folded


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Code is at https://github.com/IST-DASLab/gptq.", ["https://github.com/IST-DASLab/gptq"]),
        ("(https://github.com/linkedin/ControlLLM)", ["https://github.com/linkedin/ControlLLM"]),
        ("see https://github.com/NVIDIA/Megatron-LM#retro.", ["https://github.com/NVIDIA/Megatron-LM#retro"]),
        (
            "at {https://github.com/LUMIA-Group/FourierTransformer}",
            ["https://github.com/LUMIA-Group/FourierTransformer"],
        ),
        ("https://en.wikipedia.org/wiki/Foo_(bar).", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("no links here, just javascript:alert(1)", []),
    ],
)
def test_links_lose_the_sentence_punctuation(text, urls):
    assert [link.url for link in extract_links(text)] == urls


def test_link_kinds():
    kinds = {link.url: link.kind for link in extract_links(
        "https://github.com/a/b https://huggingface.co/datasets/x/y https://huggingface.co/org/model https://aka.ms/xlm-t"
    )}  # fmt: skip
    assert kinds == {
        "https://github.com/a/b": "code",
        "https://huggingface.co/datasets/x/y": "dataset",
        "https://huggingface.co/org/model": "model",
        "https://aka.ms/xlm-t": "project",
    }
