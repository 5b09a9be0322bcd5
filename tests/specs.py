"""The LMS formats' specifications, as the tests check them: required fields, types, ranges.

Gradescope's autograder ``results.json`` (gradescope-autograder-docs: "Autograder
Specifications"), PrairieLearn's external grader results (its "Externally graded questions"
page), an LTI 1.3 AGS score (IMS "Assignment and Grade Services" 2.0, Score publish service) and
the JUnit XML format (``tests/data/junit.xsd``, validated with lxml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema

NUMBER = {"type": "number"}
TEXT = {"type": "string"}

GRADESCOPE_RESULTS = {
    "type": "object",
    "required": ["score", "execution_time", "output", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "integer", "minimum": 0},
        "output": TEXT,
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "name",
                    "number",
                    "score",
                    "max_score",
                    "status",
                    "output",
                    "visibility",
                ],
                "properties": {
                    "name": TEXT,
                    "number": TEXT,
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "output": TEXT,
                    "visibility": {
                        "enum": ["hidden", "after_due_date", "after_published", "visible"]
                    },
                },
            },
        },
    },
}

PRAIRIELEARN_RESULTS = {
    "type": "object",
    "required": ["gradable", "score", "message", "tests"],
    "properties": {
        "gradable": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "message": TEXT,
        "output": TEXT,
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "points", "max_points", "message", "output"],
                "properties": {
                    "name": TEXT,
                    "description": TEXT,
                    "points": {"type": "number", "minimum": 0},
                    "max_points": {"type": "number", "minimum": 0},
                    "message": TEXT,
                    "output": TEXT,
                },
            },
        },
    },
}

LTI_AGS_SCORE = {
    "type": "object",
    "required": [
        "userId",
        "scoreGiven",
        "scoreMaximum",
        "activityProgress",
        "gradingProgress",
        "timestamp",
    ],
    "properties": {
        "userId": {"type": "string", "minLength": 1},
        "scoreGiven": {"type": "number", "minimum": 0},
        "scoreMaximum": {"type": "number", "exclusiveMinimum": 0},
        "comment": TEXT,
        "activityProgress": {
            "enum": ["Initialized", "Started", "InProgress", "Submitted", "Completed"]
        },
        "gradingProgress": {
            "enum": ["FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"]
        },
        # ISO 8601 with sub-second precision and a zone, as AGS asks
        "timestamp": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+(Z|[+-]\d{2}:\d{2})$",
        },
    },
}

JUNIT_XSD = Path(__file__).parent / "data" / "junit.xsd"


def check_gradescope(data: dict) -> None:
    """Fail unless ``data`` is a valid Gradescope results.json whose score adds up."""
    jsonschema.validate(data, GRADESCOPE_RESULTS)
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-6
    assert all(t["score"] <= t["max_score"] for t in data["tests"])


def check_prairielearn(data: dict) -> None:
    """Fail unless ``data`` is valid PrairieLearn external grader results."""
    jsonschema.validate(data, PRAIRIELEARN_RESULTS)
    assert all(t["points"] <= t["max_points"] for t in data["tests"])


def check_lti_ags(data: dict) -> None:
    """Fail unless ``data`` is a valid AGS score object."""
    jsonschema.validate(data, LTI_AGS_SCORE)
    assert data["scoreGiven"] <= data["scoreMaximum"]


def check_junit(xml: bytes) -> Any:
    """Fail unless ``xml`` is valid against the JUnit XSD; returns the parsed root."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(JUNIT_XSD)))
    root = etree.fromstring(xml)
    assert schema.validate(root), schema.error_log.last_error
    return root
