"""``feedback``: one page per student to hand back, as self-contained HTML and as Markdown.

Each page says the score, each exercise's points and status, and what to fix: the message of
every visible check that did not pass (a cause shared by every check of an exercise said once),
and hidden checks named without their details. Everything that came from a submission is
escaped (HTML) or fenced (Markdown); the HTML page loads nothing.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from grader.batch.exports.cells import points
from grader.batch.exports.options import ExportOptions, fresh_folder
from grader.batch.gradebook import Gradebook
from grader.batch.intake import slug
from grader.model import ExerciseResult, GradeReport
from grader.reporters.causes import one_cause
from grader.reporters.jsonfile import from_dict
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


def page_name(student: str) -> str:
    """The file name (without suffix) of a student's feedback page."""
    return slug(student)


def write(book: Gradebook, folder: Path, options: ExportOptions) -> list[str]:
    """Write ``<student>.html`` and ``<student>.md`` for each student with a graded report."""
    fresh_folder(folder)
    for r in book.rows():
        if not r["report_json"]:
            continue
        report = from_dict(json.loads(r["report_json"]), reveal_hidden=False)
        name = page_name(r["student"])
        (folder / f"{name}.html").write_text(
            html_page(r["student"], report, options.assignment), encoding="utf-8"
        )
        (folder / f"{name}.md").write_text(
            markdown_page(r["student"], report, options.assignment), encoding="utf-8"
        )
    return []


def _problems(exercise: ExerciseResult) -> list[tuple[str, str | None]]:
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
            found.append((f"{check.name} ({points(check.max_points)} pt)", check.message))
    return found


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def html_page(student: str, report: GradeReport, assignment: str) -> str:
    """A self-contained HTML feedback page."""
    rows = "".join(
        f"<tr><td>{_e(e.id)}</td><td>{_e(e.name)}</td>"
        f'<td class="num">{points(e.score)}/{points(e.max_score)}</td>'
        f"<td>{_e(STATUS_WORDS.get(e.status, e.status))}</td></tr>"
        for e in report.exercises
    )
    fixes = []
    for e in report.exercises:
        problems = _problems(e)
        if not problems or e.status in ("not_attempted", "missing"):
            continue
        items = "".join(
            f"<li{' class=hidden' if message is None else ''}>{_e(what)}"
            + (f"<pre>{_e(for_terminal(message))}</pre>" if message else "")
            + "</li>"
            for what, message in problems
        )
        fixes.append(f"<h3>{_e(e.id)} {_e(e.name)}</h3><ul>{items}</ul>")
    untouched = [e.id for e in report.exercises if e.status in ("not_attempted", "missing")]
    return "".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{_e(assignment)}: feedback for {_e(student)}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>{_e(assignment)}: feedback for {_e(student)}</h1>",
            f"<p><b>Score: {points(report.score)}/{points(report.max_score)}</b> "
            f"(seed {report.seed})</p>",
            "<table><thead><tr><th>exercise</th><th>function</th><th>points</th>"
            f"<th>status</th></tr></thead><tbody>{rows}</tbody></table>",
            "<h2>What to fix</h2>" + ("".join(fixes) or "<p>Nothing: well done.</p>"),
            f"<p>Not attempted or missing: {_e(', '.join(untouched))}</p>" if untouched else "",
            "</body></html>",
        ]
    )


def _fence(text: str) -> str:
    """A Markdown code block that no backticks in ``text`` can close early."""
    ticks = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _longest_backtick_run(text: str) -> int:
    best = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        best = max(best, run)
    return best


def _md(text: str) -> str:
    """Plain text for a Markdown line: characters that would format are escaped."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]<>()#+-.!|" else c for c in text)


def markdown_page(student: str, report: GradeReport, assignment: str) -> str:
    """The same feedback as Markdown (for an LMS comment box or a repository)."""
    lines = [
        f"# {_md(assignment)}: feedback for {_md(student)}",
        "",
        f"**Score: {points(report.score)}/{points(report.max_score)}** (seed {report.seed})",
        "",
        "| exercise | function | points | status |",
        "| --- | --- | ---: | --- |",
    ]
    lines += [
        f"| {e.id} | {_md(e.name)} | {points(e.score)}/{points(e.max_score)} | "
        f"{STATUS_WORDS.get(e.status, e.status)} |"
        for e in report.exercises
    ]
    lines += ["", "## What to fix", ""]
    fixed_any = False
    for e in report.exercises:
        problems = _problems(e)
        if not problems or e.status in ("not_attempted", "missing"):
            continue
        fixed_any = True
        lines += [f"### {e.id} {_md(e.name)}", ""]
        for what, message in problems:
            lines.append(f"- {_md(what)}")
            if message:
                lines += ["", _fence(for_terminal(message)), ""]
        lines.append("")
    if not fixed_any:
        lines.append("Nothing: well done.")
    return "\n".join(lines) + "\n"
