"""Everything a check author uses, in one import: ``from grader.checks.api import *``.

The decorator (:func:`check`), the student handle's inputs (:func:`fill`, :func:`on`,
:class:`RandomArg`, :class:`TensorArg`, :class:`FunctionArg`, :func:`examples`), the
expectations (``expect_*``, :func:`call_on_device` for the device round), time budgets
(:class:`TimeBudget`: call with :func:`timed_call`, judge with ``expect_within_budget``), the gate
(``check(..., requires=a_value_check)``, or :func:`values_first` by hand, for checks whose points
need a correct answer), the failure to raise (:class:`CheckFailed`) and the types of a check's
fixtures for annotations (``student:`` :class:`StudentFunction`, ``devices:`` :class:`Devices`,
``gen:`` ``torch.Generator``). Visibility is the folder: a module in ``grader/checks/hidden/`` is
hidden, whatever it says. See ``docs/authoring.md``.
"""

from __future__ import annotations

from grader.checks import check
from grader.checks.expect import (
    TimeBudget,
    call_on_device,
    expect_close,
    expect_equal,
    expect_input_unchanged,
    expect_raises,
    expect_shows_input_bytes,
    expect_tensor,
    expect_view_of_input,
    expect_within_budget,
    timed_call,
    values_first,
)
from grader.checks.inputs import examples, fill, on, transposed
from grader.inside.protocol import ReturnedArray, dtype_name
from grader.outcomes import CheckFailed
from grader.runner import FunctionArg, RandomArg, TensorArg
from grader.student import Devices, StudentFunction

__all__ = [
    "CheckFailed",
    "Devices",
    "FunctionArg",
    "RandomArg",
    "ReturnedArray",
    "StudentFunction",
    "TensorArg",
    "TimeBudget",
    "call_on_device",
    "check",
    "dtype_name",
    "examples",
    "expect_close",
    "expect_equal",
    "expect_input_unchanged",
    "expect_raises",
    "expect_shows_input_bytes",
    "expect_tensor",
    "expect_view_of_input",
    "expect_within_budget",
    "fill",
    "on",
    "timed_call",
    "transposed",
    "values_first",
]
