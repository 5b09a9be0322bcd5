"""``gradescope``: one Gradescope ``results.json`` per student, in ``<student>/results.json``."""

from __future__ import annotations

from pathlib import Path

from grader.batch.exports.options import ExportOptions, results_per_student
from grader.batch.gradebook import Gradebook
from grader.reporters import gradescope


def write(book: Gradebook, folder: Path, options: ExportOptions) -> list[str]:
    """Write a results.json for each student with a report (hidden messages left out)."""
    return results_per_student(book, folder, gradescope.to_dict)
