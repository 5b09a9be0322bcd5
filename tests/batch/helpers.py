"""Gradebooks filled with made-up results, for tests that don't need real grading."""

from __future__ import annotations

from pathlib import Path

from grader.batch.gradebook import Gradebook, Outcome
from grader.model import CheckResult, ExerciseResult, GradeReport
from grader.reporters.jsonfile import to_dict


def fake_report(points: dict[str, float], *, hidden_message: str = "hidden detail") -> dict:
    """A schema-v1 report with one visible and one hidden check per exercise."""
    exercises = []
    for ex, got in points.items():
        checks = (
            CheckResult(f"{ex}::check_visible", "Visible check", ex, "values", got, 1.0,
                        "passed" if got else "failed", "visible", None if got else "wrong value",
                        0.01),
            CheckResult(f"{ex}::check_hidden", "Hidden check", ex, "values", 0.0, 1.0,
                        "failed", "hidden", hidden_message, 0.01),
        )  # fmt: skip
        exercises.append(
            ExerciseResult(ex, f"fn_{ex}", got, 2.0, "passed" if got else "failed", checks)
        )
    report = GradeReport("0.1.0", "2.13.0", "x", "ab" * 32, 1, ("cpu", "meta"),
                         "2026-11-26T00:00:00", 0.5, tuple(exercises), True)  # fmt: skip
    return to_dict(report)


def record(book: Gradebook, student: str, points: dict[str, float], **changes) -> None:
    """Record a made-up graded submission."""
    fields = {
        "student": student, "source": student, "sha256": "h-" + student,
        "grader_version": "0.1.0", "checks_version": "c1", "selection": "1.1,1.2",
        "seed": book.seed, "started_at": "t0", "finished_at": "t1", "status": "ok",
        "duration_s": 0.5, "report": fake_report(points),
    }  # fmt: skip
    fields.update(changes)
    book.record(Outcome(**fields))


def open_book(folder: Path) -> Gradebook:
    """A new gradebook in ``folder``."""
    return Gradebook(folder / "gradebook.sqlite")
