"""An LTI 1.3 Assignment and Grade Services score object: written for the tool that posts it,
never posted from here. ``userId`` is the LMS's user id, which the caller must name."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, TextIO

from grader.model import GradeReport


def timestamp(report: GradeReport) -> str:
    """When the grade was produced, ISO 8601 with milliseconds as AGS asks."""
    when = datetime.fromisoformat(report.started_at)
    if when.tzinfo is None:  # (the judge writes UTC; an older report may not say so)
        when = when.replace(tzinfo=timezone.utc)
    return when.isoformat(timespec="milliseconds")


def to_dict(report: GradeReport, user_id: str) -> dict[str, Any]:
    """The AGS score object for one student's report."""
    if not user_id:
        raise ValueError("an LTI score needs the student's LMS user id")
    return {
        "userId": user_id,
        "scoreGiven": report.score,
        "scoreMaximum": report.max_score,
        "comment": f"tensorgrade {report.tool_version}: {report.score:g} of {report.max_score:g}",
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timestamp(report),
    }


def renderer(user_id: str):  # type: ignore[no-untyped-def]
    """A reporter (``render(report, stream)``) for the given student."""

    def render(report: GradeReport, stream: TextIO) -> None:
        """Write the AGS score object."""
        json.dump(to_dict(report, user_id), stream, indent=2)
        stream.write("\n")

    return render
