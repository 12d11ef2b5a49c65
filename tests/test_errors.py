"""The kinds of user error (generator/errors.py): each names its file and line, is caught once by the
command line (exit 2, ``error: file:line: message``, no traceback), and YAML errors point at their line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import __main__ as cli
from generator import errors, pipeline
from generator.errors import UserError, yaml_problem

KINDS = [errors.InputError, errors.TaxonomyError, errors.OutputError, errors.BuildError, errors.SearchFileError]


@pytest.mark.parametrize(
    ("file", "line", "shown"),
    [
        ("data/listings/a.txt", 7, "data/listings/a.txt:7: bad thing"),
        ("data/topics.yml", None, "data/topics.yml: bad thing"),
        (None, None, "bad thing"),
        (None, 3, "bad thing"),  # a line without a file names nothing
    ],
)
def test_an_error_reads_file_line_message(file: str | None, line: int | None, shown: str) -> None:
    error = UserError("bad thing", file, line)
    assert str(error) == shown and error.message == "bad thing" and (error.file, error.line) == (file, line)


def test_an_encoding_error_keeps_its_byte_offset() -> None:
    error = errors.InputError("not valid UTF-8", "x.txt", 3, offset=25)
    assert error.offset == 25 and str(error) == "x.txt:3: not valid UTF-8"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_a_user_error_the_command_line_reports_with_exit_2(
    kind: type[UserError], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise kind("something is wrong; fix it and run again", "data/x.yml", 4)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "check", fail)
    assert issubclass(kind, UserError)
    assert cli.main(["check", "-q"]) == 2
    err = capsys.readouterr().err
    assert err == "error: data/x.yml:4: something is wrong; fix it and run again\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: [oops\n", 2),
        ("a: 1\nb: 2\nc: {\n", 3),  # the parser stops past the end: the last line is named
        ("a:\n  - x\n - y\n", 3),
    ],
)
def test_yaml_problem_names_a_line_inside_the_file(text: str, line: int) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.safe_load(text)
    problem, found = yaml_problem(caught.value, text)
    assert found == line and problem and "\n" not in problem


def test_yaml_problem_without_a_mark_names_no_line() -> None:
    assert yaml_problem(yaml.YAMLError("odd"), "a: 1\n") == ("odd", None)
