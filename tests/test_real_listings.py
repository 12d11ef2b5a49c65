"""Real listings from the wild (issue 13), built as a new user would, from a folder outside the project.

One fixture per defect in ``tests/fixtures/real-listings/``: an abstract's second paragraph on its own
line, date and upvotes apart by more than one space, one title held by two different papers; the
build checks what a reader sees, and that no built file holds a path of this machine.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, copy_project, run_generator

pytestmark = pytest.mark.slow

LISTINGS = FIXTURES / "real-listings"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project built from the real-listings fixtures in a folder beside it: the project and stderr."""
    root = tmp_path_factory.mktemp("outside")
    shutil.copytree(LISTINGS, root / "elsewhere")
    project = copy_project(root / "project")
    result = run_generator(project, "build", "../elsewhere")
    assert result.returncode == 0, result.stderr
    return project, result.stderr


def page_text(project: Path, slug: str) -> str:
    """The text a reader sees on a paper's page of the hosted site (tags dropped, spaces collapsed)."""
    page = (project / "site" / "papers" / slug / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def records(project: Path) -> dict[str, dict]:
    return {r["slug"]: r for r in json.loads((project / "site" / "papers.json").read_text(encoding="utf-8"))}


def test_second_paragraph_on_its_own_line_is_part_of_the_abstract_not_a_stray_title(built):
    project, stderr = built
    text = page_text(project, "vision-transformers-need-registers")
    assert "repurposed for internal computations. We propose a simple yet effective solution" in text
    assert "Sep 28, 2023" in text and "12 upvotes" in text and "4 authors" in text
    vllm = page_text(project, "efficient-memory-management-for-large-language-model-serving-with-pagedattention")
    assert "grows and shrinks dynamically. Code is available at" in vllm
    slugs = set(records(project))
    assert not any(s.startswith(("we-propose", "code-is-available", "then-we-propose")) for s in slugs)
    assert "no abstract" not in stderr and "out of place" not in stderr


def test_date_and_upvotes_apart_by_spaces_or_tabs_are_shown(built):
    project, _ = built
    genie = page_text(project, "genie-generative-interactive-environments")
    assert "Feb 29, 2024" in genie and "117 upvotes" in genie
    shown = records(project)
    assert (
        shown["genie-generative-interactive-environments"]["date"],
        shown["genie-generative-interactive-environments"]["upvotes"],
    ) == ("2024-02-29", 117)
    sora = shown["sora-as-an-agi-world-model-a-complete-survey-on-text-to-video-generation"]
    assert (sora["date"], sora["upvotes"]) == ("2024-02-29", 9)
    assert not any(s.startswith("feb-29") for s in shown)


def test_two_papers_with_one_title_get_two_pages_and_a_warning_naming_both_places(built):
    project, stderr = built
    shown = records(project)
    variants = sorted(s for s in shown if s.startswith("scaling-laws-a-study"))
    assert variants[0] == "scaling-laws-a-study" and len(variants) == 2
    rag, vit = (page_text(project, s) for s in variants)
    assert "retrieval-augmented language models" in rag and "vision transformers" not in rag
    assert "vision transformers grow" in vit and "retrieval-augmented" not in vit
    # the truncated copy of the first paper merged with it: two sources, the higher upvotes
    assert shown["scaling-laws-a-study"]["sources"] == [
        "elsewhere/scaling-laws-2024-03.txt:7",
        "elsewhere/scaling-laws-2024-06.txt:13",
    ]
    assert shown["scaling-laws-a-study"]["upvotes"] == 44
    (warning,) = [line for line in stderr.splitlines() if "with a different abstract" in line]
    assert warning.startswith("../elsewhere/scaling-laws-2024-06.txt:7: warning:")
    assert "../elsewhere/scaling-laws-2024-03.txt:7" in warning and variants[1] in warning


def test_no_built_file_shows_a_path_of_this_machine(built):
    project, _ = built
    machine = [str(project.parent), str(Path.home()), "../elsewhere"]
    for folder in ("docs", "site", "site-offline"):
        for path in (project / folder).rglob("*"):
            if path.is_file() and path.suffix in {".md", ".html", ".json", ".csv", ".xml", ".txt", ".js"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                assert not any(m in text for m in machine), path
    text = page_text(project, "textbooks-are-all-you-need")
    assert "Listed in elsewhere/second-paragraph.txt (line 25)." in text
    csv = (project / "site" / "papers.csv").read_text(encoding="utf-8")
    assert "elsewhere/date-spacing.txt:5" in csv


def test_about_page_says_there_are_no_held_out_labels(built):
    project, _ = built
    about = (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "no held-out labels" in about
    assert "precision 0.00" not in about and "0 papers" not in about
