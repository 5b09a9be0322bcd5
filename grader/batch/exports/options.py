"""Settings shared by the exports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportOptions:
    """How the LMS names the assignment and identifies students."""

    assignment: str = "tensorgrade"
    """The assignment's title in the LMS."""
    assignment_id: str = ""
    """Canvas's assignment id (the number in its URL); blank creates a new column."""
    moodle_id: str = "email"
    """Moodle's identifier column: ``email`` or ``idnumber`` (the SIS user id)."""
