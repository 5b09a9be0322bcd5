"""The checks: pytest tests run by the judge, one module per exercise module.

``grader/checks/mNN_*.py`` hold the visible checks; ``grader/checks/hidden/mNN_*.py`` the hidden
ones, so a student release can leave that folder out whole. Each check is a function named
``check_*`` decorated with :func:`check`, which records its exercise, kind and points as markers.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TypeVar

import pytest

F = TypeVar("F", bound=Callable[..., object])

KINDS = (
    "shape",
    "dtype",
    "values",
    "gradient",
    "autograd",
    "device",
    "mutation",
    "view",
    "rules",
    "exception",
    "time",
)


def check(
    exercise: str,
    *,
    kind: str,
    points: float,
    requires: Callable[..., object] | None = None,
) -> Callable[[F], F]:
    """Mark a check function with its exercise id, what it checks, and its points.

    ``requires`` declares the gate of a check whose points count only with a correct answer
    (rules, device, time, dtype): a value check run first, whose failure fails this check as
    "counts only when the values are right — they are not: ...". It takes fixtures by name
    (``student``, ``gen``, ``devices``), like a check.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown check kind {kind!r}")

    def mark(fn: F) -> F:
        if requires is not None:
            fn = _gated(fn, requires)
        fn = pytest.mark.exercise(exercise)(fn)
        fn = pytest.mark.kind(kind)(fn)
        return pytest.mark.points(points)(fn)

    return mark


def _gated(fn: F, requirement: Callable[..., object]) -> F:
    """``fn`` preceded by ``requirement`` under the values-first gate.

    The wrapper's signature is ``fn``'s plus whatever fixtures the requirement names, so pytest
    injects both.
    """
    from grader.checks.expect import values_first  # expect imports this package's siblings

    wanted = list(inspect.signature(requirement).parameters)
    own = inspect.signature(fn)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY)
        for name in wanted
        if name not in own.parameters
    ]

    @functools.wraps(fn)
    def gated(**fixtures: object) -> object:
        with values_first():
            requirement(**{name: fixtures[name] for name in wanted})
        return fn(**{name: fixtures[name] for name in own.parameters})

    gated.__signature__ = own.replace(parameters=[*own.parameters.values(), *extra])  # type: ignore[attr-defined]
    gated.requires = requirement  # type: ignore[attr-defined]
    return gated  # type: ignore[return-value]
