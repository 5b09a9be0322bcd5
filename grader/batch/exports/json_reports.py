"""``json``: one schema-v1 report per student (hidden checks' messages left out) and an index."""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch.exports.options import ExportOptions, fresh_folder
from grader.batch.gradebook import Gradebook
from grader.batch.intake import slug
from grader.reporters.jsonfile import from_dict, to_dict


def write(book: Gradebook, folder: Path, options: ExportOptions) -> list[str]:
    """Write ``<student>.json`` for each graded student and ``index.json`` listing them."""
    fresh_folder(folder)
    index = []
    for r in book.rows():
        entry = {
            "student": r["student"],
            "status": r["status"] or "missing",
            "score": r["score"],
            "max_score": r["max_score"],
            "report": None,
        }
        if r["report_json"]:
            name = f"{slug(r['student'])}.json"
            report = to_dict(from_dict(json.loads(r["report_json"]), reveal_hidden=False))
            (folder / name).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
            entry["report"] = name
        index.append(entry)
    (folder / "index.json").write_text(
        json.dumps({"schema_version": 1, "students": index}, indent=2) + "\n", encoding="utf-8"
    )
    return []
