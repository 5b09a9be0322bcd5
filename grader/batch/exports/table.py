"""``csv``: one row per student, one column per exercise, then total and status."""

from __future__ import annotations

from pathlib import Path

from grader.batch.exports.cells import points, write_csv
from grader.batch.exports.options import ExportOptions
from grader.batch.gradebook import Gradebook
from grader.catalog import CATALOG as EXERCISES


def write(book: Gradebook, path: Path, options: ExportOptions) -> list[str]:
    """Write the class table; students without a submission get status ``missing``."""
    scores = book.exercise_scores()
    ids = [e.id for e in EXERCISES]
    header = ["student", "name", "email", *ids, "total", "max_total", "status", "late"]
    rows = []
    for r in book.rows():
        mine = scores.get(r["student"], {})
        rows.append(
            [
                r["student"],
                r["name"],
                r["email"],
                *(points(mine.get(i)) for i in ids),
                points(r["score"]),
                points(r["max_score"]),
                r["status"] or "missing",
                "yes" if r["late"] else "",
            ]
        )
    write_csv(path, header, rows)
    return []
