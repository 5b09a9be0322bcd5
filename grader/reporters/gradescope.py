"""Gradescope's ``results.json`` (autograder specification): one test per check."""

from __future__ import annotations

import json
import math
from typing import Any, TextIO

from grader.model import GradeReport
from grader.reporters.terminal import OUTCOME_WORDS, summary_lines

# Gradescope shows "after_published" tests only once grades are published: our hidden checks.
VISIBILITY = {"visible": "visible", "hidden": "after_published"}


def to_dict(report: GradeReport) -> dict[str, Any]:
    """The report as Gradescope results.json data."""
    tests = []
    for number, check in enumerate(report.checks, start=1):
        output = OUTCOME_WORDS[check.outcome]
        if check.message:
            output += f": {check.message}"
        tests.append(
            {
                "name": f"{check.exercise_id} {check.name}",
                "number": f"{check.exercise_id}.{number}",
                "score": check.points,
                "max_score": check.max_points,
                "status": "passed" if check.outcome == "passed" else "failed",
                "output": output,
                "visibility": VISIBILITY[check.visibility],
            }
        )
    return {
        "score": report.score,
        "execution_time": math.ceil(report.duration_s),
        "output": "\n".join(summary_lines(report)),
        "tests": tests,
    }


def render(report: GradeReport, stream: TextIO) -> None:
    """Write Gradescope's results.json."""
    json.dump(to_dict(report), stream, indent=2)
    stream.write("\n")
