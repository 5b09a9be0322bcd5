"""Notebooks through the door students and instructors use: `grade notebook`, `grade run
--submission work.ipynb` and `grade batch` with .py and .ipynb submissions side by side."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys

import nbformat
import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.notebook.build import build_notebook, write_notebook
from tests.conftest import ROOT, SOLUTIONS, STUBS

pytestmark = pytest.mark.slow


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def scores(*args: str) -> dict[str, float]:
    result = invoke("run", *args, "--format", "json", "--seed", "3")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return {e["id"]: e["score"] for e in report["exercises"]}


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The course notebook with the solutions' code in its exercise cells."""
    path = tmp_path_factory.mktemp("nb") / "solved.ipynb"
    write_notebook(build_notebook(SOLUTIONS), path)
    return path


def test_grade_notebook_is_deterministic_valid_and_tagged(tmp_path):
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    assert invoke("notebook", "--out", str(first)).exit_code == 0
    assert invoke("notebook", "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    nb = nbformat.read(first, as_version=4)
    nbformat.validate(nb)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert len(tags) == 30 and tags[0] == "exercise:1.1"
    assert "Broadcasting" in "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    again = invoke("notebook", "--out", str(first))
    assert again.exit_code == 2 and "exists" in again.output  # never over a student's work
    one = tmp_path / "m3.ipynb"
    assert invoke("notebook", "--module", "3", "--out", str(one)).exit_code == 0
    assert sum("exercise:" in str(c.metadata) for c in nbformat.read(one, 4).cells) == 5


def test_the_solutions_notebook_scores_full_marks_and_the_stubs_zero(solved, tmp_path):
    got = scores("--submission", str(solved))
    assert len(got) == 30 and sum(got.values()) == 100
    stub = tmp_path / "stub.ipynb"
    write_notebook(build_notebook(STUBS), stub)
    assert sum(scores("1", "--submission", str(stub)).values()) == 0


def test_an_infinite_loop_in_one_cell_costs_only_that_exercise(solved, tmp_path):
    nb = nbformat.read(solved, as_version=4)
    for cell in nb.cells:
        if "exercise:1.2" in cell.metadata.get("tags", []):
            loop = "    while True:\n        pass"
            cell.source = cell.source.replace("    # BEGIN SOLUTION", loop)
    looping = tmp_path / "loop.ipynb"
    nbformat.write(nb, looping)
    got = scores("1", "--submission", str(looping), "--timeout", "1")
    assert got["1.2"] == 0 and got["1.1"] == 3 and got["1.3"] == 3


def _as_vscode(nb):
    nb = copy.deepcopy(nb)
    nb.nbformat_minor = 4  # VS Code keeps older notebooks at 4.4: no cell ids
    for cell in nb.cells:
        cell.pop("id", None)
        cell.metadata = {"vscode": {"languageId": "python"}} if cell.cell_type == "code" else {}
        if cell.cell_type == "code":
            cell.execution_count = 7
    nb.metadata = {"language_info": {"name": "python", "version": "3.11.7"}}
    return nb


def _as_colab(nb):
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        cell.metadata = {"id": f"colab{i}"}  # Colab: its own ids, tags lost
        if cell.cell_type == "code":
            cell.metadata["colab"] = {"base_uri": "https://localhost:8080/"}
            cell.outputs = [nbformat.v4.new_output("stream", text="3.0\n")]
    nb.metadata = {"colab": {"provenance": []}, "kernelspec": {"name": "python3",
                   "display_name": "Python 3"}}  # fmt: skip
    return nb


def test_notebooks_saved_by_each_editor_grade_the_same(solved, tmp_path):
    lab = nbformat.read(solved, as_version=4)
    expected = scores("1", "2", "--submission", str(solved))
    for name, variant in (("vscode", _as_vscode(lab)), ("colab", _as_colab(lab))):
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(variant))
        assert scores("1", "2", "--submission", str(path)) == expected, name


def test_a_malformed_notebook_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "work.ipynb"
    bad.write_text("{ this is not json")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "run", "--submission", str(bad)], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "not a notebook" in done.stderr and "Traceback" not in done.stderr


def test_a_class_mixes_modules_and_notebooks(solved, tmp_path):
    downloads = tmp_path / "downloads"
    (downloads / "carol").mkdir(parents=True)
    for module in SOLUTIONS.glob("m0*.py"):
        (downloads / "carol" / module.name).write_text(module.read_text())
    (downloads / "alice.ipynb").write_bytes(solved.read_bytes())
    (downloads / "dave.ipynb").write_text("{nope")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(downloads), "--out", str(out),
         "--isolation", "reduced", "--only", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(out / "gradebook.sqlite")
    rows = dict(db.execute("SELECT student, status || ' ' || score FROM submissions"))
    db.close()
    assert rows == {"alice": "ok 8.0", "carol": "ok 8.0", "dave": "rejected 0.0"}
    assert "check(" in done.stdout  # alice's dropped check() call is named in a note
