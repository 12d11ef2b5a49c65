"""The project installs as a command: the wheel holds the generator, its templates and the worker."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_the_generator_and_a_console_command(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", tmp_path, ROOT],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"generator/__main__.py", "generator/search/worker.js", "generator/emit/templates/paper.md.j2"} <= names
    assert not any(name.startswith(("tests/", "bench/", "scripts/")) for name in names)
    # Every module and template of every package (packages are listed by hand in pyproject.toml).
    shipped = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "generator").rglob("*")
        if path.suffix in (".py", ".js", ".j2") and "__pycache__" not in path.parts
    }
    assert sorted(shipped - names) == []
    (entry_points,) = (name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "literature-site = generator.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    (metadata,) = (name for name in names if name.endswith(".dist-info/METADATA"))
    assert "Requires-Dist: mkdocs==1.6.1" in zipfile.ZipFile(wheel).read(metadata).decode()
