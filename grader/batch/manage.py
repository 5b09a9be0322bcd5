"""``grade gradebook DIR``: look into a class's gradebook and correct it, one student at a time.

Every line returned here holds student-derived text (ids, messages): the command line passes it
through :func:`grader.terminal_text.one_line` before a terminal sees it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from grader.batch import exports
from grader.batch.classreport import write_class_report
from grader.batch.exports.cells import points
from grader.batch.gradebook import Gradebook
from grader.batch.intake import slug


class UnknownStudent(KeyError):
    """No such student in the gradebook; the message names the closest ones."""


def _known(book: Gradebook, student: str) -> None:
    ids = [r["student"] for r in book.rows()]
    if student not in ids:
        near = [i for i in ids if student.lower() in i.lower()][:5] or ids[:5]
        raise UnknownStudent(
            f"no student {student!r} in this gradebook"
            + (
                f" (students: {', '.join(near)}{', ...' if len(ids) > len(near) else ''})"
                if ids
                else ""
            )
        )


def list_lines(book: Gradebook) -> list[str]:
    """One line per student: id, status, points, late."""
    lines = [f"{'student':<24} {'status':<12} {'points':>13}  late"]
    for r in book.rows():
        if r["status"] is None:
            lines.append(f"{r['student']:<24} {'missing':<12} {'':>13}")
            continue
        got = f"{points(r['score'])}/{points(r['max_score'])}"
        lines.append(
            f"{r['student']:<24} {r['status']:<12} {got:>13}  {'yes' if r['late'] else ''}"
        )
    return lines


def show_lines(book: Gradebook, student: str) -> list[str]:
    """One student's submission: status, total, and each exercise with its status."""
    _known(book, student)
    row = next(r for r in book.rows() if r["student"] == student)
    if row["status"] is None:
        return [f"{student}: in the roster, no submission"]
    lines = [
        f"{student}: {row['status']}, {points(row['score'])}/{points(row['max_score'])} points"
        f"{', late' if row['late'] else ''} (from {row['source']}, graded {row['finished_at']})"
    ]
    if row["message"]:
        lines.append(f"  {row['message']}")
    report = json.loads(row["report_json"]) if row["report_json"] else {"exercises": []}
    for e in report["exercises"]:
        lost = [c for c in e["checks"] if c["outcome"] != "passed"]
        lines.append(
            f"  {e['id']:<5} {e['name']:<24} {points(e['score']):>5}/{points(e['max_score']):<5}"
            f" {e['status']}" + (f" ({len(lost)} checks not passed)" if lost else "")
        )
    return lines


def remove(book: Gradebook, out: Path, student: str) -> list[str]:
    """Take the student out of the gradebook (submission, results, roster entry) and their
    staged files, then write the exports and report.html again; returns lines to print."""
    _known(book, student)
    book.remove(student)
    shutil.rmtree(out / "submissions" / slug(student), ignore_errors=True)
    notes = exports.write_all(book, out / "exports")
    write_class_report(book, out / "report.html", notes=notes)
    return [
        f"removed {student}; exports and report.html written again",
        "(if their files are still in the submissions folder, the next grade batch grades them "
        "again)",
    ]
