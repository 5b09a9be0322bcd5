"""Settings shared by the exports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.model import GradeReport


@dataclass(frozen=True)
class ExportOptions:
    """How the LMS names the assignment and identifies students."""

    assignment: str = "tensorgrade"
    """The assignment's title in the LMS."""
    assignment_id: str = ""
    """Canvas's assignment id (the number in its URL); blank creates a new column."""
    moodle_id: str = "email"
    """Moodle's identifier column: ``email`` or ``idnumber`` (the SIS user id)."""


MARKER = ".written-by-tensorgrade"
"""In a folder an export writes: the next export may replace that folder whole."""


def fresh_folder(folder: Path) -> None:
    """Empty ``folder`` for a folder export, refusing to delete what tensorgrade did not write.

    A folder is replaced only when it is empty, carries the marker of an earlier export, or is
    the batch's own ``exports/`` subfolder; anything else (``--out ~/Documents``) is refused
    with FileExistsError and left alone.
    """
    ours = (folder / MARKER).exists() or (folder.parent.parent / "gradebook.sqlite").exists()
    if folder.is_dir() and any(folder.iterdir()) and not ours:
        raise FileExistsError(
            f"{folder} holds files tensorgrade did not write; name a new or empty folder"
        )
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("This folder is replaced by the next grade export.\n")


def results_per_student(
    book: Any, folder: Path, to_dict: Callable[[GradeReport], dict[str, Any]]
) -> list[str]:
    """Write ``<student>/results.json`` (``to_dict`` of the student's report, hidden messages
    left out) for each graded student: the layout of Gradescope's and PrairieLearn's exports."""
    import json

    from grader.batch.intake import slug
    from grader.reporters.jsonfile import from_dict

    fresh_folder(folder)
    for r in book.rows():
        if not r["report_json"]:
            continue
        report = from_dict(json.loads(r["report_json"]), reveal_hidden=False)
        target = folder / slug(r["student"]) / "results.json"
        target.parent.mkdir()
        target.write_text(json.dumps(to_dict(report), indent=2) + "\n", "utf-8")
    return []
