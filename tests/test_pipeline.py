"""The stages in order (generator/pipeline.py): every input read and checked before the costly
stages, so a bad one stops the build before similarity with docs/ as it was; the corpus loaded
without a terminal; the stages a build runs, in their order."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator import pipeline
from generator.errors import UserError
from generator.run import Report, Run
from tests.conftest import FIXTURES, ROOT, copy_project, run_generator

STAGES = [
    "taxonomy", "read", "clean", "dedupe",
    "similarity", "mentions", "evidence", "names", "embedding",
    "topics", "related", "quality",
    "render", "search", "pages",
    "write",
]  # fmt: skip
"""The stages of ``generator build --no-site``, in the order their results arrive."""


def digest(folder: Path) -> dict[str, str]:
    """Each file of ``folder`` by relative path, as a hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    """A project with one small listing, built once without the sites."""
    project = copy_project(tmp_path_factory.mktemp("built") / "p", FIXTURES / "layout-metadata.txt")
    report = pipeline.build(
        [project / "data" / "listings"], project / "data" / "topics.yml", project, sites=False, quiet=True
    )
    return project, report


def test_a_build_runs_the_stages_in_order_and_counts_what_it_made(built: tuple[Path, Report]) -> None:
    project, report = built
    assert list(report.timings) == STAGES
    assert report.papers > 0 and report.entries >= report.papers and report.pages > report.papers
    assert report.generator_seconds > 0 and report.docs is not None
    assert (project / "docs" / "index.md").is_file()


def test_load_corpus_needs_no_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = pipeline.load_corpus([FIXTURES / "dangling-title.txt"], ROOT / "data" / "topics.yml")
    assert len(corpus.papers) == 1 and corpus.quality  # the bundled labels are read beside the taxonomy
    assert [d.source.line for d in corpus.diagnostics] == [7]  # the warning travels with the corpus
    assert capsys.readouterr().err == ""


def test_check_counts_and_writes_nothing(tmp_path: Path) -> None:
    report = pipeline.check([FIXTURES / "dangling-title.txt"], ROOT / "data" / "topics.yml", quiet=True)
    assert (report.entries, report.papers, len(report.diagnostics)) == (1, 1, 1)
    assert report.pages > 1 and "render" in report.timings and "write" not in report.timings


BAD_INPUT = [
    pytest.param(
        "data/labels.yml",
        b"# labels\nsome-paper:\n  topics: [Efficiency]\nother-paper:\n  topics: [No such topic]\n",
        "data/labels.yml:4: paper 'other-paper': unknown topic(s) No such topic",
        id="labels-unknown-topic",
    ),
    pytest.param(
        "data/labels.yml", b"some-paper:\n  strong: [a\n", "data/labels.yml:2: invalid YAML", id="labels-not-yaml"
    ),
    pytest.param("data/topics.yml", b"topics:\n  - name: [\n", "data/topics.yml:", id="taxonomy-not-yaml"),
    pytest.param(
        "data/listings/layout-metadata.txt", b"Caf\xe9 au lait\n", "layout-metadata.txt", id="listing-not-utf8"
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUT)
def test_a_bad_input_stops_the_build_before_the_costly_stages_and_replaces_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes, message: str
) -> None:
    project = copy_project(tmp_path / "p", FIXTURES / "layout-metadata.txt")
    listings, topics = project / "data" / "listings", project / "data" / "topics.yml"
    pipeline.build([listings], topics, project, sites=False, quiet=True)
    before = digest(project / "docs")
    (project / name).write_bytes(data)
    ran: list[str] = []
    monkeypatch.setattr(pipeline, "similar_papers", lambda papers: ran.append("similarity"))
    run = Run()
    with pytest.raises(UserError) as caught:
        pipeline.build([listings], topics, project, sites=False, quiet=True)
    with pytest.raises(UserError):
        pipeline.load_corpus([listings], topics, run)
    assert message in str(caught.value).replace(project.as_posix() + "/", ""), str(caught.value)
    assert ran == [] and not {"similarity", "render", "write"} & set(run.report.timings)
    assert digest(project / "docs") == before


def test_the_command_line_says_where_the_labels_are_wrong_exits_2_and_keeps_docs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", FIXTURES / "layout-blocks.txt")
    assert run_generator(project, "build", "--no-site", "-q").returncode == 0
    before = digest(project / "docs")
    (project / "data" / "labels.yml").write_text("some-paper: [a, b]\n", encoding="utf-8")
    result = run_generator(project, "build", "--no-site")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "error: data/labels.yml:1: paper 'some-paper': expected strong, acceptable" in result.stderr
    assert "taxonomy..." in result.stderr and "similarity" not in result.stderr and "read..." not in result.stderr
    assert digest(project / "docs") == before
