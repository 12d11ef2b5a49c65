"""The tests and the README mirror the code: every module under generator/ is named by the docstring
of a test module that tests it, the README's module table names every module with tests that name it,
and the README's diagram shows every stage generator/pipeline.py runs, in the order it runs them."""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from generator import pipeline, site, tethered
from tests.conftest import FIXTURES, ROOT
from tests.test_site_builds import FAKE

GENERATOR = ROOT / "generator"
README = ROOT / "README.md"


def modules() -> list[str]:
    """Every module under generator/, as its path from the project root (a package's ``__init__.py``
    only when it holds more than a docstring; templates are not modules)."""
    found = []
    for path in sorted(GENERATOR.rglob("*")):
        relative = path.relative_to(ROOT)
        if "__pycache__" in relative.parts or "templates" in relative.parts:
            continue
        if path.suffix == ".py":
            body = ast.parse(path.read_text(encoding="utf-8")).body
            if path.name == "__init__.py" and len(body) <= 1:
                continue
        elif path.suffix != ".js":
            continue
        found.append(relative.as_posix())
    return found


@cache
def docstrings_of_tests() -> dict[str, str]:
    """Each test module's docstring by file name."""
    return {
        path.name: ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        for path in sorted((ROOT / "tests").glob("test_*.py"))
    }


def names(docstring: str, module: str) -> bool:
    """Whether ``docstring`` names ``module`` by its path (``generator/site.py`` is not
    ``generator/search/site.py``)."""
    return re.search(rf"(?<![\w/.]){re.escape(module)}(?!\w)", docstring) is not None


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def module_table() -> list[tuple[list[str], list[str]]]:
    """The README's module table: each row's paths under generator/ and its test files."""
    rows = []
    for line in readme_section("How it is made").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        rows.append((re.findall(r"`(generator/[^`]+)`", cells[0]), re.findall(r"`(test_[\w*]+\.py)`", cells[-1])))
    return rows


def test_the_modules_are_found() -> None:
    found = modules()
    assert {"generator/pipeline.py", "generator/run.py", "generator/emit/render.py"} <= set(found)
    assert {"generator/search/query.py", "generator/search/worker.js"} <= set(found)
    assert "generator/search/__init__.py" in found and "generator/__init__.py" not in found
    assert "generator/emit/__init__.py" not in found  # a docstring only


def test_every_test_module_says_what_it_tests() -> None:
    assert [name for name, doc in docstrings_of_tests().items() if not doc] == []


def test_every_generator_module_has_a_test_module_naming_it() -> None:
    docs = docstrings_of_tests()
    missing = [m for m in modules() if not any(names(doc, m) for doc in docs.values())]
    assert missing == [], (
        f"no test module's docstring names {missing}: write tests/test_<module>.py that tests it directly "
        "(its docstring naming the module's path), or name it in the docstring of the test module that does"
    )


def test_a_test_module_named_after_a_module_names_it() -> None:
    """``tests/test_<name>.py`` tests ``generator/<name>.py`` and ``generator/emit/<name>.py``
    (test_site.py is the built site's, and names its hooks; generator/site.py's tests are
    test_site_builds.py; the search package has one test module, test_search.py)."""
    docs = docstrings_of_tests()
    for module in modules():
        name = f"test_{Path(module).stem}.py"
        flat = module.count("/") == 1 or module.startswith("generator/emit/")
        if flat and name in docs and name != "test_site.py":
            assert names(docs[name], module), f"{name} does not name {module} in its docstring"


def test_the_readme_table_names_every_module_with_tests_that_name_it() -> None:
    rows = module_table()
    listed = {path for paths, _ in rows for path in paths}
    assert sorted(set(modules()) - listed) == [], "modules missing from the README's module table"
    assert sorted(p for p in listed if not (ROOT / p).exists()) == [], "the module table names what is gone"
    docs = docstrings_of_tests()
    for paths, tests in rows:
        assert tests, f"the module table gives no tests for {paths}"
        assert all(fnmatch.filter(docs, t) for t in tests), f"the module table names tests that are not there: {tests}"
        for path in paths:
            if path in modules():
                assert any(names(docs[t], path) for t in tests), f"none of {tests} names {path} in its docstring"


def test_the_readme_diagram_shows_every_stage_in_the_order_the_pipeline_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = pipeline.build(
        [FIXTURES / "layout-blocks.txt"], ROOT / "data" / "topics.yml", tmp_path, sites=False, quiet=True
    )
    # The stages before the sites, as the build timed them (in the order their results arrive), then
    # the steps of the sites' build with Pagefind, as generator/site.py runs them (MkDocs and Pagefind
    # stood in for, the derivation and the pages for Pagefind skipped: test_site_builds.py).
    steps: list[str] = []
    monkeypatch.setattr(tethered, "command", lambda module, *args: [sys.executable, "-c", FAKE, module, *args])
    monkeypatch.setattr(site, "derive", lambda *args, **kwargs: None)
    monkeypatch.setattr(site, "pages_for", lambda docs, out, *args: out.mkdir(parents=True))
    site.build_sites(
        tmp_path, 0, tmp_path / "docs", pagefind=True, stage=lambda name, work: steps.append(name) or work()
    )
    stages = [*report.timings, *steps]
    diagram = readme_section("How it is made").split("```", 2)[1]
    shown = [label.split()[0].lower() for label in re.findall(r"─([^─▶\n]+)─▶", diagram)]
    assert shown == stages
