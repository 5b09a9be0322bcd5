"""The report a student reads in a terminal: a table per exercise, then what to fix."""

from __future__ import annotations

import shlex
import textwrap
from typing import TextIO

from grader.catalog import BY_ID, CATALOG
from grader.model import GradeReport
from grader.reporters.causes import one_cause
from grader.terminal_text import for_terminal, one_line

OUTCOME_WORDS = {
    "passed": "passed",
    "failed": "failed",
    "error": "error",
    "timeout": "timed out",
    "grader_error": "grader fault",
    "forbidden": "refused",
    "missing": "missing",
    "not_attempted": "not attempted",
    "skipped": "skipped",
}
STATUS_WORDS = {
    "passed": "passed",
    "failed": "failed",
    "not_attempted": "not attempted",
    "error": "error",
    "timed_out": "timed out",
    "grader_error": "grader fault (not your code; grade again)",
    "forbidden": "refused: reaches into internals",
    "missing": "missing (no such file)",
}


def _points(value: float) -> str:
    return f"{value:g}"


def rerun_command(report: GradeReport) -> str:
    """The command that grades the same exercises of the same submission on the same inputs."""
    parts = ["grade run"]
    if len(report.exercises) < len(CATALOG):
        parts += [e.id for e in report.exercises]
    if report.submission_path != "exercises":
        parts.append(f"--submission {shlex.quote(one_line(report.submission_path))}")
    return " ".join([*parts, f"--seed {report.seed}"])


def summary_lines(report: GradeReport) -> list[str]:
    """The score and what the counts mean (shared with the Gradescope output)."""
    checks = report.checks
    hidden = [c for c in checks if c.visibility == "hidden"]
    skipped = [c for c in checks if c.outcome == "skipped"]
    passed = [c for c in checks if c.outcome == "passed"]
    pct = 100.0 * report.score / report.max_score if report.max_score else 0.0
    if report.hidden_included:
        score = f"Score: {_points(report.score)}/{_points(report.max_score)} ({pct:.1f}%)"
    else:  # a student release: never a full score for a partial view
        score = (
            f"Score: {_points(report.score)} of the {_points(report.max_score)} visible points "
            f"({pct:.1f}%)"
        )
    lines = [
        score,
        f"Checks: {len(passed)} of {len(checks)} passed"
        f" ({len(checks) - len(hidden)} visible, {len(hidden)} hidden)",
    ]
    if hidden:
        hidden_passed = sum(c.outcome == "passed" for c in hidden)
        lines.append(
            f"Hidden checks: {len(hidden)} ran, {hidden_passed} passed; "
            "their details are not shown."
        )
    if report.withheld:
        lines.append(
            f"Not graded here: {report.withheld_checks} hidden checks worth "
            f"{_points(report.withheld_points)} points, which only your instructor runs; "
            "the grade you are given may be lower."
        )
    elif not report.hidden_included:
        lines.append(
            "Hidden checks are not part of this release: the grade your instructor gives "
            "may be lower."
        )
    if skipped:
        lines.append(f"Skipped: {len(skipped)} checks did not run on this machine.")
    return lines


def render(report: GradeReport, stream: TextIO) -> None:
    """Write the human-readable report."""
    w = stream.write
    w(
        f"tensorgrade {report.tool_version} | torch {report.torch_version} | "
        f"devices: {', '.join(report.devices)}\n"
    )
    w(f"seed {report.seed} (to rerun the same inputs: {rerun_command(report)})\n")
    w(f"submission: {one_line(report.submission_path)}\n")
    if report.isolation:
        iso = report.isolation
        w(f"isolation: {iso['tier']} ({iso['tool']} {iso['version']})\n")
    w("\n")
    name_width = max([len(e.name) for e in report.exercises] + [8])
    w(f"  {'ID':<5} {'Exercise':<{name_width}}  {'Points':>9}  Status\n")
    for e in report.exercises:
        pts = f"{_points(e.score)}/{_points(e.max_score)}"
        w(f"  {e.id:<5} {e.name:<{name_width}}  {pts:>9}  {STATUS_WORDS[e.status]}\n")
    problems = [
        e
        for e in report.exercises
        if any(c.outcome not in ("passed", "not_attempted", "missing") for c in e.checks)
    ]
    if problems:
        w("\nWhat to fix\n")
    for e in problems:
        w(f"\n  {e.id} {e.name}\n")
        cause = one_cause(e)
        if cause is not None:
            # One cause, said once: seven identical time-outs would read as seventy seconds.
            w(
                f"    [{OUTCOME_WORDS[cause.outcome]}] all {cause.checks} checks "
                f"({_points(cause.points)} pt) for one reason:\n"
            )
            for line in for_terminal(cause.message).splitlines():
                w(textwrap.indent(textwrap.fill(line, 92) or " ", "        ") + "\n")
            continue
        for c in e.checks:
            if c.outcome in ("passed", "not_attempted"):
                continue
            label = "hidden check: " if c.visibility == "hidden" else ""
            w(
                f"    [{OUTCOME_WORDS[c.outcome]}] {label}{c.name} "
                f"({_points(c.max_points)} pt, {c.kind})\n"
            )
            if c.message:  # student-derived (exception text, reprs, output): made safe
                for line in for_terminal(c.message).splitlines():
                    w(textwrap.indent(textwrap.fill(line, 92) or " ", "        ") + "\n")
    missing = [e for e in report.exercises if e.status == "missing"]
    if missing:
        files = sorted({BY_ID[e.id].filename for e in missing if e.id in BY_ID})
        w(
            f"\nMissing: {', '.join(e.id for e in missing)} "
            f"(no {' or '.join(files)} in {one_line(report.submission_path)})\n"
        )
    untouched = [e for e in report.exercises if e.status == "not_attempted"]
    if untouched:
        w(
            f"\nNot attempted yet: {', '.join(e.id for e in untouched)} "
            "(the function still raises NotImplementedError)\n"
        )
    w("\n" + "\n".join(summary_lines(report)) + "\n")
