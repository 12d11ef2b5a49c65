"""The code standards CI holds the project to: ruff lint and format, mypy on generator/."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint():
    result = run("ruff", "check", "generator", "tests", "scripts", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run("ruff", "format", "--check", "generator", "tests", "scripts", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_generator():
    result = run("mypy", "generator")
    assert result.returncode == 0, result.stdout + result.stderr
