"""PrairieLearn's external grader ``results.json``: ``gradable``, ``score`` (0 to 1), ``message``,
``output`` and one test per check (``name``, ``description``, ``points``, ``max_points``,
``message``, ``output``). Hidden checks are named, never explained."""

from __future__ import annotations

import json
from typing import Any, TextIO

from grader.model import GradeReport
from grader.reporters.terminal import OUTCOME_WORDS, summary_lines
from grader.terminal_text import for_terminal

HIDDEN = "a hidden check: its details are not shown"


def to_dict(report: GradeReport) -> dict[str, Any]:
    """The report as PrairieLearn external grader results."""
    tests = []
    for check in report.checks:
        hidden = check.visibility == "hidden"
        message = OUTCOME_WORDS[check.outcome]
        if check.message and not hidden:
            message += f": {for_terminal(check.message)}"
        tests.append(
            {
                "name": f"{check.exercise_id} {check.name}",
                "description": f"{check.kind} check of exercise {check.exercise_id}"
                + (f" ({HIDDEN})" if hidden else ""),
                "points": check.points,
                "max_points": check.max_points,
                "message": message,
                "output": "",
            }
        )
    summary = summary_lines(report)
    return {
        "gradable": True,
        "score": round(report.score / report.max_score, 6) if report.max_score else 0.0,
        "message": summary[0],
        "output": "\n".join(summary),
        "tests": tests,
    }


def render(report: GradeReport, stream: TextIO) -> None:
    """Write PrairieLearn's results.json."""
    json.dump(to_dict(report), stream, indent=2)
    stream.write("\n")
