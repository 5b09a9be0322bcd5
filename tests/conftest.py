"""Shared fixtures: the bundled folders, graded reports, and submissions built from snippets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import sandbox
from grader.judge import grade as judge_grade
from grader.model import GradeReport

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
STUBS = ROOT / "exercises"
MUTANTS = ROOT / "tests" / "mutants"
SEED = 1234
REDUCED = sandbox.probe("reduced")
"""The tier tests grade at unless they are about isolation: no tier is ever assumed."""


def grade(submission, **kwargs) -> GradeReport:
    """The judge at the reduced tier (the tests' own solutions and mutants)."""
    return judge_grade(submission, isolation=kwargs.pop("isolation", REDUCED), **kwargs)


@pytest.fixture(scope="session")
def solutions_report() -> GradeReport:
    """The reference solutions, graded once for the session."""
    return grade(SOLUTIONS, seed=SEED)


@pytest.fixture(scope="session")
def stubs_report() -> GradeReport:
    """The untouched stubs, graded once for the session."""
    return grade(STUBS, seed=SEED)


def make_submission(
    folder: Path,
    replace: dict[str, str] | None = None,
    append: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> Path:
    """The solutions copied into ``folder``, with modules replaced or extended, plus extra files."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in SOLUTIONS.glob("m*.py"):
        shutil.copy(source, folder / source.name)
    for module, text in (replace or {}).items():
        (folder / f"{module}.py").write_text(text)
    for module, text in (append or {}).items():
        path = folder / f"{module}.py"
        path.write_text(path.read_text() + "\n\n" + text)
    for name, text in (extra or {}).items():
        (folder / name).write_text(text)
    return folder


def by_id(report: GradeReport) -> dict:
    """Exercise results keyed by id."""
    return {e.id: e for e in report.exercises}


def literal_constants(path: Path) -> dict[str, object]:
    """The module-level ``NAME = <literal>`` assignments of a case or variant file, read without
    running it (they are submissions, not test code)."""
    import ast

    values: dict[str, object] = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return values
