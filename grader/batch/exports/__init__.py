"""Grade exports, one module per format, all reading the gradebook: ``write(book, path, options)``.

csv (one row per student), canvas (Canvas's gradebook import), moodle (an identifier column and
one grade column), json (one schema-v1 report per student plus an index), gradescope (one
results.json per student), feedback (one HTML and one Markdown page per student to hand back),
prairielearn (one results.json per student), lti-ags (one AGS score object per student, written,
never posted) and junit (one JUnit XML document for the class).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.batch.exports import (
    canvas,
    feedback,
    gradescope,
    json_reports,
    junit,
    lti_ags,
    moodle,
    prairielearn,
    table,
)
from grader.batch.exports.options import ExportOptions
from grader.batch.gradebook import Gradebook

DEFAULT_OPTIONS = ExportOptions()
Writer = Callable[[Gradebook, Path, ExportOptions], list[str]]

FORMATS: dict[str, tuple[Writer, str]] = {
    "csv": (table.write, "grades.csv"),
    "canvas": (canvas.write, "canvas.csv"),
    "moodle": (moodle.write, "moodle.csv"),
    "json": (json_reports.write, "json"),
    "gradescope": (gradescope.write, "gradescope"),
    "feedback": (feedback.write, "feedback"),
    "prairielearn": (prairielearn.write, "prairielearn"),
    "lti-ags": (lti_ags.write, "lti-ags-scores.json"),
    "junit": (junit.write, "junit.xml"),
}


def default_path(folder: Path, fmt: str) -> Path:
    """Where a format goes inside ``folder`` (a file, or a folder for json, gradescope,
    feedback and prairielearn)."""
    return folder / FORMATS[fmt][1]


def export(
    book: Gradebook, fmt: str, path: Path, options: ExportOptions = DEFAULT_OPTIONS
) -> list[str]:
    """Write one format; returns one-line warnings (e.g. rows skipped for a missing id)."""
    writer, _ = FORMATS[fmt]
    return writer(book, path, options)


def write_all(book: Gradebook, folder: Path, options: ExportOptions = DEFAULT_OPTIONS) -> list[str]:
    """Write every format into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    for fmt in FORMATS:
        warnings += export(book, fmt, default_path(folder, fmt), options)
    return warnings
