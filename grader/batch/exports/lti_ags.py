"""``lti-ags``: one LTI 1.3 AGS score object per graded student, in one JSON array, for the tool
that posts them (this file is written, never posted). ``userId`` is the gradebook's student id:
the id column of the roster, which for an LMS export is the LMS's own user id."""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch.exports.options import ExportOptions
from grader.batch.gradebook import Gradebook
from grader.reporters import lti_ags
from grader.reporters.jsonfile import from_dict


def write(book: Gradebook, path: Path, options: ExportOptions) -> list[str]:
    """Write the score objects; students without a graded submission get none (no change)."""
    scores = [
        lti_ags.to_dict(from_dict(json.loads(r["report_json"])), r["student"])
        for r in book.rows()
        if r["report_json"]
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return []
