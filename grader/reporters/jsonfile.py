"""The JSON report, schema v1 (``grader/schema/report-v1.schema.json``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from grader.model import CheckResult, ExerciseResult, GradeReport, Withheld

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "report-v1.schema.json"


def to_dict(report: GradeReport) -> dict[str, Any]:
    """The report as schema-v1 data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tensorgrade", "version": report.tool_version},
        "torch_version": report.torch_version,
        "submission": {"path": report.submission_path, "sha256": report.submission_sha256},
        "seed": report.seed,
        "devices": list(report.devices),
        "started_at": report.started_at,
        "duration_s": report.duration_s,
        "score": report.score,
        "max_score": report.max_score,
        "hidden_checks_included": report.hidden_included,
        "isolation": report.isolation,
        "withheld": [
            {"exercise": w.exercise_id, "checks": w.checks, "points": w.points}
            for w in report.withheld
        ],
        "exercises": [
            {
                "id": e.id,
                "name": e.name,
                "score": e.score,
                "max_score": e.max_score,
                "status": e.status,
                "checks": [
                    {k: v for k, v in asdict(c).items() if k != "exercise_id"} for c in e.checks
                ],
            }
            for e in report.exercises
        ],
    }


def render(report: GradeReport, stream: TextIO) -> None:
    """Write the schema-v1 JSON report."""
    json.dump(to_dict(report), stream, indent=2)
    stream.write("\n")


def from_dict(data: dict[str, Any], *, reveal_hidden: bool = True) -> GradeReport:
    """Rebuild a report from schema-v1 data (e.g. a gradebook row); hidden messages dropped
    unless ``reveal_hidden``."""
    exercises = []
    for e in data["exercises"]:
        checks = tuple(
            CheckResult(
                **{
                    **c,
                    "exercise_id": e["id"],
                    "message": c["message"]
                    if reveal_hidden or c["visibility"] != "hidden"
                    else None,
                }
            )
            for c in e["checks"]
        )
        exercises.append(
            ExerciseResult(
                id=e["id"],
                name=e["name"],
                score=e["score"],
                max_score=e["max_score"],
                status=e["status"],
                checks=checks,
            )
        )
    return GradeReport(
        tool_version=data["tool"]["version"],
        torch_version=data["torch_version"],
        submission_path=data["submission"]["path"],
        submission_sha256=data["submission"]["sha256"],
        seed=data["seed"],
        devices=tuple(data["devices"]),
        started_at=data["started_at"],
        duration_s=data["duration_s"],
        exercises=tuple(exercises),
        hidden_included=data["hidden_checks_included"],
        isolation=data.get("isolation"),
        withheld=tuple(
            Withheld(exercise_id=w["exercise"], checks=w["checks"], points=w["points"])
            for w in data.get("withheld", ())
        ),
    )
