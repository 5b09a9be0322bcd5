"""One reporter per output format, all with the same signature: ``render(report, stream)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from grader.model import GradeReport
from grader.reporters import gradescope, jsonfile, junit, prairielearn, terminal

Reporter = Callable[[GradeReport, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": terminal.render,
    "json": jsonfile.render,
    "gradescope": gradescope.render,
    "prairielearn": prairielearn.render,
    "junit": junit.render,
}
"""Reporters that need nothing but the report. ``lti-ags`` also needs the student's LMS user id
(:func:`grader.reporters.lti_ags.renderer`)."""
