"""One cause, said once: an exercise whose every check failed for the same reason.

An import or syntax error, a time-out, a refused or missing function ends every check of the
exercise with the same message; the reports say it once with the count of checks it cost,
instead of once per check (seven "did not finish within 10 s" read as 70 s).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.model import ExerciseResult
from grader.outcomes import GATED

SHARED_OUTCOMES = frozenset({"error", "timeout", "failed", "forbidden", "grader_error"})


@dataclass(frozen=True)
class OneCause:
    """What ended every check of one exercise."""

    outcome: str
    message: str
    checks: int
    points: float


def one_cause(exercise: ExerciseResult) -> OneCause | None:
    """The single cause of an exercise's lost points, when every check ended with the same
    outcome and every visible check (at least two) with the same message; None otherwise."""
    checks = exercise.checks
    if len(checks) < 2 or any(c.outcome == "passed" for c in checks):
        return None
    outcomes = {c.outcome for c in checks}
    # A gated check says the same cause behind its gate: compare what comes after it.
    visible = [(c.message or "").removeprefix(GATED) for c in checks if c.visibility == "visible"]
    messages = set(visible)
    # Two visible checks at least must agree: hidden messages can't be compared, and one
    # visible failure is one check's failure, not the whole exercise's.
    if len(visible) < 2 or len(outcomes) != 1 or len(messages) != 1:
        return None
    if not outcomes <= SHARED_OUTCOMES:
        return None
    (message,) = messages
    if not message:
        return None
    return OneCause(outcomes.pop(), message, len(checks), exercise.max_score)
