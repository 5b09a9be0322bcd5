"""`grade gradescope-autograder`: the zip's run_autograder, run in a folder laid out like
Gradescope's container, writes a results.json that meets Gradescope's specification."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from grader.cli import cli
from tests import specs
from tests.conftest import SOLUTIONS

pytestmark = pytest.mark.slow
WRONG_1_2 = """

def arange_reshape(shape, *, device=None):
    import math
    return torch.arange(math.prod(shape), device=device).reshape(shape).t()
"""


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The autograder zip unpacked into ROOT/source, as Gradescope does."""
    zipped = tmp_path_factory.mktemp("zip") / "autograder.zip"
    result = CliRunner().invoke(cli, ["gradescope-autograder", str(zipped)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        root = tmp_path_factory.mktemp("autograder")
        archive.extractall(root / "source")
    assert {"setup.sh", "run_autograder"} <= names  # at the zip's root
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert any(n.startswith("grader/checks/hidden/m0") for n in names)  # every check
    return root


def run_autograder(root, submission_files: dict[str, str]):
    """Run the zip's run_autograder on a fresh submission; return results.json."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir()
    for name, text in submission_files.items():
        (root / "submission" / name).write_text(text)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "TENSORGRADE_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_run_autograder_grades_a_submission_to_the_specification(autograder):
    module = (SOLUTIONS / "m01_creation.py").read_text() + WRONG_1_2
    results = run_autograder(autograder, {"m01_creation.py": module})
    specs.check_gradescope(results)
    tests = results["tests"]
    assert 0 < results["score"] < 8  # 1.2 loses points; modules 2-8 were not submitted
    assert sum(t["max_score"] for t in tests) == 100  # every check, hidden ones included
    hidden = [t for t in tests if t["visibility"] == "after_published"]
    assert hidden and all(":" not in t["output"] for t in hidden)  # named, never explained
    assert "Isolation:" in results["output"]
    lost = [t for t in tests if t["name"].startswith("1.2") and t["status"] == "failed"]
    assert lost and all(t["score"] == 0 for t in lost)


def test_a_submission_without_modules_gets_a_results_file_saying_why(autograder):
    results = run_autograder(autograder, {"notes.txt": "hello"})
    specs.check_gradescope(results)
    assert results["score"] == 0 and results["tests"] == []
    assert "could not be graded" in results["output"]
