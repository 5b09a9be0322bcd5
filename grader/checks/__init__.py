"""The checks: pytest tests run by the judge, one module per exercise module.

``grader/checks/mNN_*.py`` hold the visible checks; ``grader/checks/hidden/mNN_*.py`` the hidden
ones, so a student release can leave that folder out whole. Each check is a function named
``check_*`` decorated with :func:`check`, which records its exercise, kind and points as markers.
"""

from __future__ import annotations

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


def check(exercise: str, *, kind: str, points: float) -> Callable[[F], F]:
    """Mark a check function with its exercise id, what it checks, and its points."""
    if kind not in KINDS:
        raise ValueError(f"unknown check kind {kind!r}")

    def mark(fn: F) -> F:
        fn = pytest.mark.exercise(exercise)(fn)
        fn = pytest.mark.kind(kind)(fn)
        return pytest.mark.points(points)(fn)

    return mark
