"""``prairielearn``: one PrairieLearn external grader ``results.json`` per student, in
``<student>/results.json``."""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch.exports.options import ExportOptions, fresh_folder
from grader.batch.gradebook import Gradebook
from grader.batch.intake import slug
from grader.reporters import prairielearn
from grader.reporters.jsonfile import from_dict


def write(book: Gradebook, folder: Path, options: ExportOptions) -> list[str]:
    """Write a results.json for each student with a report (hidden messages left out)."""
    fresh_folder(folder)
    for r in book.rows():
        if not r["report_json"]:
            continue
        report = from_dict(json.loads(r["report_json"]), reveal_hidden=False)
        target = folder / slug(r["student"]) / "results.json"
        target.parent.mkdir()
        target.write_text(json.dumps(prairielearn.to_dict(report), indent=2) + "\n", "utf-8")
    return []
