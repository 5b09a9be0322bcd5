"""CSV writing that spreadsheets can't be tricked by."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_SEPARATOR = re.compile(r"[,;]\s*[=+\-@\t\r]")
"""A formula start after a comma or semicolon inside the cell: a spreadsheet that splits the
cell on import (a semicolon-separated locale, "text to columns") would start a formula there."""


def safe_cell(value: object) -> object:
    """Numbers as they are; text that a spreadsheet could run as a formula (at its start, or
    after a ``,`` or ``;`` inside it) gets a leading ``'`` and its separators' formula starts
    quoted too."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 4) if isinstance(value, float) else value
    text = str(value)
    if _FORMULA_AFTER_SEPARATOR.search(text):
        text = _FORMULA_AFTER_SEPARATOR.sub(lambda m: m[0][0] + "'" + m[0][1:].lstrip(), text)
        return "'" + text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a UTF-8 CSV with every cell made safe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(c) for c in row])


def points(value: float | None) -> object:
    """A score for a grade column: blank when there is none, trailing zeros dropped."""
    if value is None:
        return ""
    value = round(float(value), 4)
    return int(value) if value == int(value) else value
