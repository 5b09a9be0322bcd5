"""Handing the course out: the student release and the Gradescope autograder.

Instructor-side only: a student release leaves this package out (see :mod:`.release`).
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The files both hand-outs are made from, with ``{name}`` placeholders."""


def filled(template: str, values: dict[str, str]) -> str:
    """The text of ``templates/<template>`` with each ``{name}`` of ``values`` replaced."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text
