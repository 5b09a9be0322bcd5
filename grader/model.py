"""Result types shared by the judge and the reporters: frozen, plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["passed", "failed", "error", "timeout", "not_attempted", "skipped", "forbidden"]
Visibility = Literal["visible", "hidden"]
ExerciseStatus = Literal[
    "passed",
    "failed",
    "not_attempted",
    "missing",
    "error",
    "timed_out",
    "grader_error",
    "forbidden",
]


@dataclass(frozen=True)
class CheckResult:
    """One check of one exercise, as graded."""

    id: str
    """Stable id, ``"<exercise id>::<check function>"``; also the seed offset's input."""
    name: str
    """A sentence saying what the check wants."""
    exercise_id: str
    kind: str
    """What is checked: shape, dtype, values, gradient, device, mutation, rules, exception."""
    points: float
    max_points: float
    outcome: Outcome
    visibility: Visibility
    message: str | None
    """Why it did not pass, for the student; None when passed or hidden."""
    duration_s: float


@dataclass(frozen=True)
class ExerciseResult:
    """All checks of one exercise and the status they add up to."""

    id: str
    name: str
    score: float
    max_score: float
    status: ExerciseStatus
    checks: tuple[CheckResult, ...]


@dataclass(frozen=True)
class Withheld:
    """Hidden checks of one exercise that a student release leaves out (graded by the
    instructor): how many and their points, never what they are."""

    exercise_id: str
    checks: int
    points: float


@dataclass(frozen=True)
class GradeReport:
    """One grading run of one submission."""

    tool_version: str
    torch_version: str
    submission_path: str
    submission_sha256: str
    seed: int
    devices: tuple[str, ...]
    """Devices the checks ran on: the values device first, then the device round."""
    started_at: str
    duration_s: float
    exercises: tuple[ExerciseResult, ...]
    hidden_included: bool
    """False in a student release that ships without the hidden checks."""
    isolation: dict[str, Any] | None = None
    """How the worker was contained: tier, tool, version, limits (see grader.sandbox)."""
    withheld: tuple[Withheld, ...] = ()
    """In a student release: the graded exercises' hidden checks that only the instructor runs."""

    @property
    def withheld_points(self) -> float:
        """Points of the hidden checks this install does not have (0 with every check)."""
        return round(sum(w.points for w in self.withheld), 6)

    @property
    def withheld_checks(self) -> int:
        """How many hidden checks this install does not have."""
        return sum(w.checks for w in self.withheld)

    @property
    def score(self) -> float:
        """Points earned over every graded exercise."""
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        """Points available over every graded exercise."""
        return round(sum(e.max_score for e in self.exercises), 6)

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        """Every check of every exercise, in report order."""
        return tuple(c for e in self.exercises for c in e.checks)
