"""docs/authoring.md works: its code blocks, applied in order to a copy of the project, add an
exercise that the solution passes, the stub has not attempted, and every mutant fails exactly
as it says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
BLOCK = re.compile(
    r"```python\n# (?P<path>\S+): (?P<action>append|new|before: [^\n]+)\n(?P<body>.*?)```", re.S
)
PROVE = """
import tempfile
from pathlib import Path

from grader import sandbox
from grader.judge import grade
from grader.validate import check_mutant, load_mutant, mutant_submission

reduced = sandbox.probe("reduced")
solved = grade("solutions", isolation=reduced, exercises=["4.4"], seed=1)
assert solved.score == solved.max_score == 2, [(c.id, c.outcome, c.message) for c in solved.checks]
stub = grade("exercises", isolation=reduced, exercises=["4.4"], seed=1)
assert stub.exercises[0].status == "not_attempted", stub.exercises[0].status
mutants = sorted(Path("tests/mutants").glob("m04_row_normalize_*.py"))
assert len(mutants) == 3, mutants
for path in mutants:
    mutant = load_mutant(path)
    folder = mutant_submission(mutant, Path("solutions"), Path(tempfile.mkdtemp()))
    finding = check_mutant(mutant, grade(folder, isolation=reduced, exercises=["4.4"], seed=1))
    assert finding.ok, (path.name, finding.detail)
print("WALK-THROUGH HOLDS")
"""


def apply_walkthrough(doc: str, root: Path) -> int:
    """Apply every code block of the document to the project copy at ``root``."""
    applied = 0
    for block in BLOCK.finditer(doc):
        target, action, body = root / block["path"], block["action"], block["body"]
        if action == "new":
            target.write_text(body)
        elif action == "append":
            target.write_text(target.read_text() + body)
        else:
            marker = action.removeprefix("before: ")
            text = target.read_text()
            at = text.index(marker)
            line_start = text.rindex("\n", 0, at) + 1
            target.write_text(text[:line_start] + body + text[line_start:])
        applied += 1
    return applied


def test_the_authoring_walkthrough_adds_an_exercise_that_grades(tmp_path):
    root = tmp_path / "project"
    for part in ("grader", "solutions", "exercises", "scripts", "tests"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", root / "README.md")
    doc = (ROOT / "docs" / "authoring.md").read_text()
    assert apply_walkthrough(doc, root) == 7
    env = {**os.environ, "PYTHONPATH": str(root)}
    made = subprocess.run(
        [sys.executable, "scripts/make_exercises.py"], cwd=root, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "def row_normalize(" in (root / "exercises" / "m04_reductions.py").read_text()
    proved = subprocess.run(
        [sys.executable, "-c", PROVE], cwd=root, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert proved.returncode == 0 and "WALK-THROUGH HOLDS" in proved.stdout, proved.stderr[-3000:]
    # ... and the project's own consistency tests pass in the copy without being edited.
    consistent = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_catalog.py",
         "tests/test_stubgen.py", "-k", "not hidden_folder"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert consistent.returncode == 0, consistent.stdout[-3000:]
    assert "4.4" in (root / "README.md").read_text()
