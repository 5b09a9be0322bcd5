"""Settings shared by the exports."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


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
