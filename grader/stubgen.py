"""Generate student stubs from reference solutions (instructor tooling; nbgrader's convention).

Each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region is replaced by ``raise NotImplementedError``
at the region's indentation; everything else (signatures, docstrings, imports) is kept.
"""

from __future__ import annotations

import re
from pathlib import Path

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
HEADER = (
    "# Your exercises: replace each `raise NotImplementedError` with your code, then run `grade`.\n"
    "# (Generated from solutions/{name}; instructors: edit that file and regenerate.)\n"
)


class RegionError(ValueError):
    """Solution markers are unbalanced or nested."""


def strip_solutions(source: str, *, name: str = "<source>") -> str:
    """Return ``source`` with every solution region replaced by ``raise NotImplementedError``."""
    out: list[str] = []
    indent: str | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line)
        if begin:
            if indent is not None:
                raise RegionError(f"{name}:{number}: nested # BEGIN SOLUTION")
            indent = begin.group(1)
            out.append(f"{indent}raise NotImplementedError\n")
        elif END.match(line):
            if indent is None:
                raise RegionError(f"{name}:{number}: # END SOLUTION without # BEGIN SOLUTION")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise RegionError(f"{name}: # BEGIN SOLUTION is never closed")
    return HEADER.format(name=name) + "".join(out)


def solution_lines(source: str) -> list[str]:
    """The stripped lines inside solution regions (for the check that none leaks into a stub)."""
    lines, inside = [], False
    for line in source.splitlines():
        if BEGIN.match(line):
            inside = True
        elif END.match(line):
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def generate(solutions: Path, exercises: Path) -> list[Path]:
    """Write one stub in ``exercises`` for every ``m*.py`` in ``solutions``; return the paths."""
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(solutions.glob("m*.py")):
        target = exercises / source.name
        target.write_text(strip_solutions(source.read_text(), name=source.name))
        written.append(target)
    init = exercises / "__init__.py"
    init.write_text('"""Your exercises: edit these modules, then run `grade`."""\n')
    return written
