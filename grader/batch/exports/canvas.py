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
    """Write the import file; students without a submission get a blank grade (no change)."""
    title = options.assignment + (f" ({options.assignment_id})" if options.assignment_id else "")
    total = sum(e.points for e in EXERCISES)
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
    return []
