"""Exceptions that end a check, each mapped to one report outcome by :mod:`grader.plugin`.

Every message is written for a student: what was expected, what came back, and where.
"""

from __future__ import annotations

from typing import Any

GATED = "these points count only when the values are right, and they are not: "
"""How a check whose points need a correct answer begins its message when the answer is not."""


class CheckFailed(AssertionError):
    """The student's answer is wrong (outcome ``failed``)."""


class WrongValues(CheckFailed):
    """The answer's values (or their shape or dtype) are not the expected ones (``failed``).
    In a check about something else (rules, device, mutation, time) it means the check's gate
    was not passed, and the message says so."""


class StudentRaised(CheckFailed):
    """The student's function raised an exception where a result was expected (``failed``)."""

    def __init__(self, function: str, error: dict[str, Any], called_with: str = "") -> None:
        self.error = error
        self.function = function
        super().__init__(f"{function}({called_with}) raised {describe_error(error)}")


class FunctionMissing(CheckFailed):
    """The submission has no function of the expected name (``failed``)."""


class NotAttempted(Exception):
    """The stub still raises NotImplementedError (``not_attempted``)."""


class ModuleMissing(Exception):
    """The submission has no file for the exercise's module (``missing``)."""


class GradingError(Exception):
    """The student's code could not be run to the end: crash, import failure (``error``)."""


class GraderFault(GradingError):
    """The grader, not the student, ended the run: the worker was killed from outside (the
    system's out-of-memory killer, an operator), or its sandbox failed (``grader_error``). Such a
    result is never a grade: the submission is graded again on the next run."""


class Forbidden(Exception):
    """The reflection rule refused the code this exercise runs (``forbidden``): it was never
    called, it scores 0, and the instructor sees it flagged."""


class OverBudget(CheckFailed):
    """A timed call was stopped once its CPU time passed several times its budget (``failed``):
    it could only fail its time check by running on. :mod:`grader.checks.expect` words the
    message for the check that asked."""

    def __init__(self, function: str, *, reference_s: float, call_s: float) -> None:
        self.function = function
        self.reference_s = reference_s
        self.call_s = call_s
        super().__init__(
            f"{function}() was stopped after {call_s * 1000:.0f} ms of CPU time, far over its "
            "time budget"
        )


class CallTimedOut(Exception):
    """A call ran past its wall-clock limit and the worker was killed (``timeout``)."""


def describe_error(error: dict[str, Any]) -> str:
    """One line for an exception the worker reported: type, message and the student's line."""
    message = str(error.get("message") or "").strip().splitlines()
    text = str(error.get("type", "an exception"))
    if message:
        text += f": {message[0][:300]}"
    if error.get("line"):
        text += f" (line {error['line']} of {error.get('file', 'your file')})"
    return text
