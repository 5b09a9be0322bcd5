"""Which exercises the reflection rule takes away, and the one message that says why.

Policy on top of :mod:`grader.reflection` (which only finds): code that runs at import makes
the whole module forbidden, so the module is never imported (its top-level code could change
what the worker measures for other modules); code inside a function or class makes forbidden
the exercises whose functions reach it, which are then never called.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader import reflection, rules
from grader.catalog import Exercise

SHOWN = 3
"""Findings named in one message; the rest are counted."""


def forbidden_exercises(
    source: str, exercises: Sequence[Exercise], filename: str
) -> dict[str, str]:
    """Exercise id → the message that takes it to 0, for each exercise of one module that the
    reflection rule forbids. Text that does not parse forbids nothing (the syntax error is
    reported on its own)."""
    try:
        violations = reflection.find_reflection(source)
        tree = rules.parse_module(source)
    except rules.SourceError:
        return {}
    if not violations:
        return {}
    # Code reached from top-level statements (``_peek()`` at import, a decorator) runs at
    # import too, whoever owns it.
    run_at_import = rules.names_reached(tree, reflection.import_time_code(tree))
    at_import = [v for v in violations if v.owner is None or v.owner in run_at_import]
    out: dict[str, str] = {}
    for exercise in exercises:
        if at_import:
            out[exercise.id] = _message(at_import, filename, whole_module=True)
            continue
        names: set[str] = set()
        for function in exercise.all_functions:
            names |= rules.reachable_names(tree, function)
        mine = [v for v in violations if v.owner in names]
        if mine:
            out[exercise.id] = _message(mine, filename, whole_module=False)
    return out


def _message(
    violations: Sequence[reflection.Violation], filename: str, *, whole_module: bool
) -> str:
    shown = "; ".join(f"line {v.line}: {v.what}" for v in violations[:SHOWN])
    more = f" (and {len(violations) - SHOWN} more)" if len(violations) > SHOWN else ""
    where = (
        f"{filename} runs this when it is imported, so none of its exercises was run"
        if whole_module
        else "this exercise's code uses it, so it was not run"
    )
    return (
        f"{filename} {shown}{more}. Submissions may not reach into the interpreter, other "
        f'processes, files or the grader (see the README, "What your code may not do"); '
        f"{where}. Scored 0 and flagged for your instructor."
    )
