"""Prove the grader (instructor tool): solutions full marks, stubs zero, every mutant caught.

A mutant is a file in ``tests/mutants/`` holding a plausible wrong implementation plus two
constants read without running it: ``EXERCISE`` (the exercise id) and ``CATCHES`` (names of the
checks that must fail). It is graded as the reference module with the mutant's definitions
appended, so only the mutated function differs from the solution.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import BY_ID, CATALOG
from grader.judge import grade
from grader.model import GradeReport
from grader.sandbox import Isolation

MIN_MUTANTS = 3


@dataclass(frozen=True)
class Mutant:
    """One known-wrong implementation and the checks it must fail."""

    path: Path
    exercise: str
    catches: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Finding:
    """One line of the validation: what was checked and whether it held."""

    subject: str
    ok: bool
    detail: str


def load_mutant(path: Path) -> Mutant:
    """Read a mutant's EXERCISE, CATCHES and docstring without importing it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    constants: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("EXERCISE", "CATCHES"):
                constants[target.id] = ast.literal_eval(node.value)
    exercise = constants.get("EXERCISE")
    catches = constants.get("CATCHES")
    if not isinstance(exercise, str) or exercise not in BY_ID:
        raise ValueError(f"{path.name}: EXERCISE must name a known exercise id")
    if not isinstance(catches, (tuple, list)) or not catches:
        raise ValueError(f"{path.name}: CATCHES must list the checks the mutant fails")
    doc = ast.get_docstring(tree) or ""
    return Mutant(
        path, exercise, tuple(str(c) for c in catches), doc.splitlines()[0] if doc else ""
    )


def load_mutants(folder: Path) -> list[Mutant]:
    """Every mutant in ``folder`` (files named ``*.py``, except ``__init__.py``)."""
    return [load_mutant(p) for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]


def _without_future_imports(source: str) -> str:
    return "\n".join(
        line for line in source.splitlines() if not line.startswith("from __future__ import")
    )


def mutant_submission(mutant: Mutant, solutions: Path, into: Path) -> Path:
    """Write the solutions with the mutant's definitions appended to its exercise's module."""
    for source in solutions.glob("m*.py"):
        shutil.copy(source, into / source.name)
    module = into / BY_ID[mutant.exercise].filename
    module.write_text(
        module.read_text()
        + "\n\n# --- mutant ---\n"
        + _without_future_imports(mutant.path.read_text())
    )
    return into


def check_mutant(mutant: Mutant, report: GradeReport) -> Finding:
    """Does the mutant lose exactly the points of the checks it names, and only those?"""
    checks = {c.id.split("::", 1)[1]: c for c in report.checks if c.exercise_id == mutant.exercise}
    unknown = [name for name in mutant.catches if name not in checks]
    if unknown:
        return Finding(mutant.path.name, False, f"names unknown check {unknown[0]}")
    survived = [name for name in mutant.catches if checks[name].outcome == "passed"]
    if survived:
        return Finding(mutant.path.name, False, f"not caught by {', '.join(survived)}")
    extra = sorted(
        n for n, c in checks.items() if c.outcome != "passed" and n not in mutant.catches
    )
    if extra:
        return Finding(
            mutant.path.name,
            False,
            f"also fails {', '.join(extra)}: name it in CATCHES or fix the check",
        )
    lost = sum(checks[name].max_points for name in mutant.catches)
    return Finding(
        mutant.path.name,
        True,
        f"{mutant.exercise}: loses exactly {lost:g} pt ({len(mutant.catches)} checks)",
    )


def validate(
    *,
    solutions: Path,
    stubs: Path,
    mutants: Path,
    isolation: Isolation,
    seed: int = 0,
    timeout_s: float = 10.0,
    progress: Callable[[Finding], None] | None = None,
) -> list[Finding]:
    """Run the three proofs; return one finding per subject (all ``ok`` means the grader holds).

    ``isolation`` is the tier the instructor's own solutions, stubs and mutants run at."""
    findings: list[Finding] = []

    def note(finding: Finding) -> None:
        findings.append(finding)
        if progress:
            progress(finding)

    full = grade(solutions, isolation=isolation, seed=seed, timeout_s=timeout_s)
    lost = [c.id for c in full.checks if c.outcome != "passed"]
    note(
        Finding(
            "solutions",
            full.score == full.max_score and not lost,
            f"{full.score:g}/{full.max_score:g}" + (f"; fails {lost[0]}" if lost else ""),
        )
    )
    empty = grade(stubs, isolation=isolation, seed=seed, timeout_s=timeout_s)
    bad = [e.id for e in empty.exercises if e.status != "not_attempted"]
    note(
        Finding(
            "stubs",
            empty.score == 0 and not bad,
            f"{empty.score:g}/{empty.max_score:g}"
            + (f"; {bad[0]} is not 'not attempted'" if bad else ", every exercise not attempted"),
        )
    )
    covered: dict[str, int] = {}
    for mutant in load_mutants(mutants):
        covered[mutant.exercise] = covered.get(mutant.exercise, 0) + 1
        with tempfile.TemporaryDirectory(prefix="tensorgrade-mutant-") as tmp:
            folder = mutant_submission(mutant, solutions, Path(tmp))
            report = grade(
                folder,
                isolation=isolation,
                exercises=[mutant.exercise],
                seed=seed,
                timeout_s=timeout_s,
            )
        note(check_mutant(mutant, report))
    missing = [e.id for e in CATALOG if covered.get(e.id, 0) < MIN_MUTANTS]
    note(
        Finding(
            "mutant coverage",
            not missing,
            f"every exercise has at least {MIN_MUTANTS} mutants"
            if not missing
            else f"fewer than {MIN_MUTANTS} mutants for {', '.join(missing)}",
        )
    )
    return findings
