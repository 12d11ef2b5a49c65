"""A build of 260 real Hugging Face Daily Papers entries (``scripts/select_real_papers.py``): text with
LaTeX, ``\\href``/``\\url`` and non-ASCII characters reads as a reader expects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_generator

pytestmark = pytest.mark.slow

SELECTION = Path(__file__).parent / "fixtures" / "real" / "daily-papers-selection.txt"


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project built from the selection: the project folder and what the build said."""
    project = copy_project(tmp_path_factory.mktemp("real-corpus"), SELECTION)
    result = run_generator(project, "build", "--strict")
    assert result.returncode == 0, result.stderr
    return project, result.stderr


def page_text(project: Path, slug: str) -> str:
    """The text a reader sees on a paper page (scripts and tags left out; the BibTeX entry too, which
    is LaTeX on purpose: ``R^2ec`` is written ``R\\textasciicircum{}2ec`` there)."""
    page = (project / "site" / "papers" / slug / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<code class="language-bibtex">.*?</code>', " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script\b.*?</script>", " ", page, flags=re.S))


def test_every_entry_is_a_paper_without_warnings(real_corpus):
    project, said = real_corpus
    assert "260 entries read, 0 duplicates merged, 0 warnings, 260 papers" in said
    assert len(json.loads((project / "site" / "papers.json").read_text(encoding="utf-8"))) == 260


def test_no_latex_command_is_left_on_any_page(real_corpus):
    project, _ = real_corpus
    pages = sorted((project / "site" / "papers").glob("*/index.html"))
    assert len(pages) == 260
    left = {p.parent.name: m[0] for p in pages if (m := re.search(r"\\[A-Za-z]+", page_text(project, p.parent.name)))}
    assert left == {}


@pytest.mark.parametrize(
    ("slug", "shown"),
    [
        ("aurafusion360-augmented-unseen-region-alignment-for-reference-based-360-9292bc", "Reference-based 360°"),
        ("vila2-vila-augmented-vila", "VILA²: VILA Augmented VILA"),
        ("2dft-a-universal-quantum-chemistry-dataset-of-drug-like-molecules-and-a-72b6de", "∇²DFT"),
        ("transformer2-self-adaptive-llms", "Transformer²"),
    ],
)
def test_latex_in_titles_reads_as_unicode(real_corpus, slug, shown):
    project, _ = real_corpus
    assert shown in page_text(project, slug)


@pytest.mark.parametrize(
    ("slug", "address"),
    [
        ("adaptive-evidence-weighting-for-audio-spatiotemporal-fusion", "https://anonymous.4open.science/r/birdnoise-85CD/README.md"),
        ("not-all-correct-answers-are-equal-why-your-distillation-source-matters", "https://huggingface.co/datasets/a-m-team/AM-Thinking-v1-Distilled"),
        ("video-salmonn-speech-enhanced-audio-visual-large-language-models", "https://github.com/bytedance/SALMONN/"),
    ],
)  # fmt: skip
def test_href_and_url_addresses_are_links_of_the_paper(real_corpus, slug, address):
    project, _ = real_corpus
    page = (project / "site" / "papers" / slug / "index.html").read_text(encoding="utf-8")
    assert f'href="{address}"' in page
    assert not re.search(r'href="[^"]*[{}]', page)
