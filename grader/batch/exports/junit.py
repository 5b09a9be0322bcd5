"""``junit``: one JUnit XML document for the class, one ``testsuite`` per student and exercise
(named ``<student>.<exercise>``), one ``testcase`` per check; hidden checks without details."""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch.exports.options import ExportOptions
from grader.batch.gradebook import Gradebook
from grader.batch.intake import slug
from grader.reporters import junit
from grader.reporters.jsonfile import from_dict


def write(book: Gradebook, path: Path, options: ExportOptions) -> list[str]:
    """Write the class's JUnit XML."""
    elements = []
    for r in book.rows():
        if not r["report_json"]:
            continue
        report = from_dict(json.loads(r["report_json"]), reveal_hidden=False)
        elements += junit.suites(report, prefix=slug(r["student"]), first_id=len(elements))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        junit.document(elements).write(out, encoding="unicode")
        out.write("\n")
    return []
