"""JUnit XML, as CI dashboards and GitHub Classroom read it (the Ant/Jenkins format): one
``testsuite`` per exercise, one ``testcase`` per check; a lost point is a ``failure`` (an
``error`` when the answer could not be checked at all), a check that did not run is
``skipped``."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TextIO

from grader.model import CheckResult, ExerciseResult, GradeReport
from grader.reporters.terminal import OUTCOME_WORDS
from grader.terminal_text import for_terminal

FAILURE_OUTCOMES = frozenset({"failed", "timeout", "forbidden", "not_attempted", "missing"})
ERROR_OUTCOMES = frozenset({"error", "grader_error"})
"""The grader could not check the answer (a module that would not load, a worker lost)."""


def _text(value: str) -> str:
    # Student-derived: control characters made visible, which XML 1.0 could not carry anyway.
    return for_terminal(value)


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _utc(started_at: str) -> str:
    """The Ant schema's timestamp: ``YYYY-MM-DDTHH:MM:SS``, no zone (so: UTC)."""
    when = datetime.fromisoformat(started_at)
    if when.tzinfo is None:  # (the judge writes UTC; an older report may not say so)
        return when.strftime("%Y-%m-%dT%H:%M:%S")
    when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def _testcase(suite: ET.Element, check: CheckResult, classname: str) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=_text(check.name),
        classname=classname,
        time=_seconds(check.duration_s),
    )
    hidden = check.visibility == "hidden"
    detail = "a hidden check: its details are not shown" if hidden else (check.message or "")
    message = f"{OUTCOME_WORDS[check.outcome]} ({check.points:g}/{check.max_points:g} pt)"
    if check.outcome == "skipped":
        ET.SubElement(case, "skipped", message=_text(detail or "did not run here"))
    elif check.outcome in ERROR_OUTCOMES:
        ET.SubElement(case, "error", message=message, type=check.outcome).text = _text(detail)
    elif check.outcome in FAILURE_OUTCOMES:
        ET.SubElement(case, "failure", message=message, type=check.outcome).text = _text(detail)


def suites(
    report: GradeReport, *, prefix: str = "tensorgrade", first_id: int = 0
) -> Iterable[ET.Element]:
    """One ``testsuite`` element per exercise of ``report``."""
    host = socket.gethostname() or "localhost"
    for index, exercise in enumerate(report.exercises):
        yield _suite(report, exercise, prefix=prefix, suite_id=first_id + index, host=host)


def _suite(
    report: GradeReport, exercise: ExerciseResult, *, prefix: str, suite_id: int, host: str
) -> ET.Element:
    checks = exercise.checks
    name = f"{prefix}.{exercise.id.replace('.', '_')}_{exercise.name}"
    suite = ET.Element(
        "testsuite",
        name=_text(name),
        package=_text(prefix),
        id=str(suite_id),
        hostname=_text(host),
        timestamp=_utc(report.started_at),
        tests=str(len(checks)),
        failures=str(sum(c.outcome in FAILURE_OUTCOMES for c in checks)),
        errors=str(sum(c.outcome in ERROR_OUTCOMES for c in checks)),
        skipped=str(sum(c.outcome == "skipped" for c in checks)),
        time=_seconds(sum(c.duration_s for c in checks)),
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("exercise", exercise.id),
        ("score", f"{exercise.score:g}"),
        ("max_score", f"{exercise.max_score:g}"),
        ("status", exercise.status),
        ("seed", str(report.seed)),
    ):
        ET.SubElement(properties, "property", name=key, value=value)
    for check in checks:
        _testcase(suite, check, classname=_text(name))
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = ""
    return suite


def document(elements: Iterable[ET.Element]) -> ET.ElementTree:
    """A ``testsuites`` document holding ``elements``."""
    root = ET.Element("testsuites")
    root.extend(elements)
    ET.indent(root)
    return ET.ElementTree(root)


def render(report: GradeReport, stream: TextIO) -> None:
    """Write the JUnit XML report."""
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    document(suites(report)).write(stream, encoding="unicode")
    stream.write("\n")
