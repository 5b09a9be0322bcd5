"""``moodle``: a CSV for Moodle's grade import: an identifier column and one grade column."""

from __future__ import annotations

from pathlib import Path

from grader.batch.exports.cells import points, write_csv
from grader.batch.exports.options import ExportOptions
from grader.batch.gradebook import Gradebook

IDENTIFIERS = {"email": "email", "idnumber": "sis_user_id"}


def write(book: Gradebook, path: Path, options: ExportOptions) -> list[str]:
    """Write graded students that have the chosen identifier; warn about the others."""
    column = IDENTIFIERS[options.moodle_id]
    rows, missing = [], []
    for r in book.rows():
        if r["score"] is None:
            continue
        identifier = r[column] or (
            r["student"] if "@" in r["student"] and column == "email" else ""
        )
        if not identifier:
            missing.append(r["student"])
            continue
        rows.append([identifier, points(r["score"])])
    write_csv(path, [options.moodle_id, options.assignment], rows)
    if missing:
        return [
            f"moodle: {len(missing)} graded student(s) have no {options.moodle_id} "
            f"(add a roster): {', '.join(missing[:10])}"
        ]
    return []
