"""A report as HTML: a fragment (a Jupyter cell's output) or a self-contained page (the
feedback handed back to a student). Everything that came from a submission is escaped; hidden
checks are named without their details; the page loads nothing."""

from __future__ import annotations

import html
from typing import TextIO

from grader.model import ExerciseResult, GradeReport
from grader.reporters.causes import one_cause
from grader.terminal_text import for_terminal

STATUS_WORDS = {
    "passed": "passed",
    "failed": "not yet right",
    "not_attempted": "not attempted",
    "missing": "missing file",
    "error": "error",
    "timed_out": "timed out",
    "grader_error": "grader fault (not your code)",
    "forbidden": "refused (reaches into internals)",
}
_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:860px;padding:0 1rem;"
    "color:#1d2330}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;"
    "border-bottom:1px solid #eef;text-align:left}th{background:#f4f5fa}td.num{text-align:right}"
    "pre{background:#f6f7fb;padding:.5rem .7rem;white-space:pre-wrap;border-radius:6px}"
    ".hidden{color:#666}"
)


def _points(value: float) -> str:
    return f"{round(float(value), 4):g}"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def problems(exercise: ExerciseResult) -> list[tuple[str, str | None]]:
    """(what, message) for each thing to fix in one exercise; hidden checks without details."""
    cause = one_cause(exercise)
    if cause is not None:
        return [(f"all {cause.checks} checks, for one reason", cause.message)]
    found = []
    for check in exercise.checks:
        if check.outcome in ("passed", "skipped"):
            continue
        if check.visibility == "hidden":
            found.append((f"hidden check: {check.name} (its details are not shown)", None))
        else:
            found.append((f"{check.name} ({_points(check.max_points)} pt)", check.message))
    return found


def fragment(report: GradeReport) -> str:
    """The score, a table of exercises and what to fix, as an HTML fragment."""
    rows = "".join(
        f"<tr><td>{_e(e.id)}</td><td>{_e(e.name)}</td>"
        f'<td class="num">{_points(e.score)}/{_points(e.max_score)}</td>'
        f"<td>{_e(STATUS_WORDS.get(e.status, e.status))}</td></tr>"
        for e in report.exercises
    )
    fixes = []
    for e in report.exercises:
        found = problems(e)
        if not found or e.status in ("not_attempted", "missing"):
            continue
        items = "".join(
            f"<li{' class=hidden' if message is None else ''}>{_e(what)}"
            + (f"<pre>{_e(for_terminal(message))}</pre>" if message else "")
            + "</li>"
            for what, message in found
        )
        fixes.append(f"<h3>{_e(e.id)} {_e(e.name)}</h3><ul>{items}</ul>")
    untouched = [e.id for e in report.exercises if e.status in ("not_attempted", "missing")]
    score = f"Score: {_points(report.score)}/{_points(report.max_score)}"
    if not report.hidden_included:
        score = f"Score: {_points(report.score)} of the {_points(report.max_score)} visible points"
    withheld = (
        f"<p>Not graded here: {report.withheld_checks} hidden checks worth "
        f"{_points(report.withheld_points)} points, which only your instructor runs.</p>"
        if report.withheld
        else ""
    )
    return "".join(
        [
            f"<p><b>{score}</b> (seed {report.seed})</p>",
            withheld,
            "<table><thead><tr><th>exercise</th><th>function</th><th>points</th>"
            f"<th>status</th></tr></thead><tbody>{rows}</tbody></table>",
            "<h2>What to fix</h2>" + ("".join(fixes) or "<p>Nothing: well done.</p>"),
            f"<p>Not attempted or missing: {_e(', '.join(untouched))}</p>" if untouched else "",
        ]
    )


def page(title: str, report: GradeReport) -> str:
    """A self-contained HTML page: ``title`` and the report's fragment."""
    return "".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{_e(title)}</h1>",
            fragment(report),
            "</body></html>",
        ]
    )


def render(report: GradeReport, stream: TextIO) -> None:
    """Write the report as a self-contained HTML page."""
    stream.write(page(f"tensorgrade: {report.submission_path}", report))
