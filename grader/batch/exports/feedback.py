"""``feedback``: one page per student to hand back, as self-contained HTML and as Markdown.

Each page says the score, each exercise's points and status, and what to fix: the message of
every visible check that did not pass (a cause shared by every check of an exercise said once),
and hidden checks named without their details. Everything that came from a submission is
escaped (HTML) or fenced (Markdown); the HTML page loads nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch.exports.cells import points
from grader.batch.exports.options import ExportOptions, fresh_folder
from grader.batch.gradebook import Gradebook
from grader.batch.intake import slug
from grader.model import GradeReport
from grader.reporters.html import STATUS_WORDS, page, problems
from grader.reporters.jsonfile import from_dict
from grader.terminal_text import for_terminal


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


def html_page(student: str, report: GradeReport, assignment: str) -> str:
    """A self-contained HTML feedback page."""
    return page(f"{assignment}: feedback for {student}", report)


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
        found = problems(e)
        if not found or e.status in ("not_attempted", "missing"):
            continue
        fixed_any = True
        lines += [f"### {e.id} {_md(e.name)}", ""]
        for what, message in found:
            lines.append(f"- {_md(what)}")
            if message:
                lines += ["", _fence(for_terminal(message)), ""]
        lines.append("")
    if not fixed_any:
        lines.append("Nothing: well done.")
    return "\n".join(lines) + "\n"
