"""``canvas``: Canvas's gradebook import CSV.

Columns ``Student, ID, SIS User ID, SIS Login ID, Section`` and then one assignment column titled
``Title (assignment id)``; the second row is ``Points Possible``. Canvas matches rows on ``ID``
(its user id, which a Canvas download names each file with) or on the SIS ids from the roster.
"""

from __future__ import annotations

from pathlib import Path

from grader.batch.exports.cells import points, write_csv
from grader.batch.exports.options import ExportOptions
from grader.batch.gradebook import Gradebook
from grader.catalog import CATALOG as EXERCISES

HEADER = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def write(book: Gradebook, path: Path, options: ExportOptions) -> list[str]:
    """Write the import file; students without a submission get a blank grade (no change).

    Points Possible is what the gradebook holds: the most points any student's results are
    over (the whole assignment once every exercise was graded). Students whose results cover
    fewer points are named in a note, never silently graded out of the wrong total.
    """
    title = options.assignment + (f" ({options.assignment_id})" if options.assignment_id else "")
    held = [float(r["max_score"]) for r in book.rows() if r["max_score"] is not None]
    total = max(held, default=float(sum(e.points for e in EXERCISES)))
    short = sorted(
        r["student"] for r in book.rows() if r["max_score"] is not None and r["max_score"] < total
    )
    notes = []
    if short:
        notes.append(
            f"canvas: {len(short)} student(s) have results over fewer than the {points(total)} "
            f"points possible ({', '.join(short[:5])}{', ...' if len(short) > 5 else ''}): "
            "grade them without --only before importing"
        )
    rows: list[list[object]] = [["    Points Possible", "", "", "", "", points(total)]]
    for r in book.rows():
        rows.append(
            [
                r["name"] or r["student"],
                r["student"],
                r["sis_user_id"],
                r["sis_login_id"],
                r["section"],
                points(r["score"]),
            ]
        )
    write_csv(path, [*HEADER, title], rows)
    return notes
