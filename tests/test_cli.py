"""The command line as a user meets it (generator/__main__.py; the stages of generator/pipeline.py and
their progress lines): summaries, warnings with file:line, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, copy_project, run_generator


def test_check_warns_with_file_and_line_and_strict_makes_it_exit_1(tmp_path):
    project = copy_project(tmp_path / "p", FIXTURES / "dangling-title.txt")
    result = run_generator(project, "check")
    assert result.returncode == 0
    assert "data/listings/dangling-title.txt:7: warning: title 'A Dangling Title With No Abstract'" in result.stderr
    assert "1 warning," in result.stderr
    assert run_generator(project, "check", "--strict").returncode == 1


def test_check_json_report(tmp_path):
    project = copy_project(tmp_path / "p", FIXTURES / "dangling-title.txt")
    report = json.loads(run_generator(project, "check", "--json", "-q").stdout)
    assert report["ok"] and report["papers"] == 1
    assert report["warnings"][0]["file"] == "data/listings/dangling-title.txt" and report["warnings"][0]["line"] == 7


def test_taxonomy_error_names_file_line_and_topic_exits_2_and_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "p")
    topics = project / "data" / "topics.yml"
    text = topics.read_text()
    topics.write_text(text.replace("  - name: Tokenization\n", "  - name: Long context\n", 1))
    result = run_generator(project, "build")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "data/topics.yml:" in result.stderr and "'Long context' duplicates" in result.stderr
    assert not (project / "docs").exists()


def test_invalid_yaml_in_taxonomy(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "data" / "topics.yml").write_text("topics:\n  - name: [unclosed\n")
    result = run_generator(project, "check")
    assert result.returncode == 2 and "data/topics.yml:" in result.stderr and "invalid YAML" in result.stderr


def test_missing_listing_path_exits_2(tmp_path):
    project = copy_project(tmp_path / "p")
    result = run_generator(project, "check", "no/such/folder")
    assert result.returncode == 2
    assert "error: no/such/folder: no such file or folder" in result.stderr


def test_failed_build_keeps_the_previous_docs(tmp_path):
    project = copy_project(tmp_path / "p", FIXTURES / "layout-blocks.txt")
    assert run_generator(project, "build", "--no-site").returncode == 0
    before = sorted(p.name for p in Path(project / "docs" / "papers").iterdir())
    (project / "data" / "listings" / "broken.txt").write_bytes(b"Title\n\n\xff\xfe\n")
    result = run_generator(project, "build", "--no-site")
    assert result.returncode == 2 and "broken.txt" in result.stderr and "not valid UTF-8" in result.stderr
    assert sorted(p.name for p in Path(project / "docs" / "papers").iterdir()) == before


def test_a_broken_mkdocs_config_stops_the_build_before_the_generator_works(tmp_path):
    project = copy_project(tmp_path / "p", FIXTURES / "layout-blocks.txt")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  broken: [unclosed\n", encoding="utf-8")
    result = run_generator(project, "build")
    assert result.returncode == 2
    assert "error: mkdocs.yml:" in result.stderr and "invalid YAML" in result.stderr
    assert "taxonomy..." not in result.stderr and "read..." not in result.stderr  # no stage ran
    assert not (project / "docs").exists()
    config.unlink()
    result = run_generator(project, "build")
    assert result.returncode == 2 and "error: mkdocs.yml: the sites' MkDocs configuration is missing" in result.stderr
    assert run_generator(project, "build", "--no-site").returncode == 0  # docs/ alone needs no configuration
