"""What a check holds to reach the student's code: a function handle bound to one exercise."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from grader import rules
from grader.catalog import Exercise
from grader.inside.protocol import apply_layout, dtype_name
from grader.outcomes import (
    CheckFailed,
    FunctionMissing,
    GradingError,
    ModuleMissing,
    NotAttempted,
    StudentRaised,
)
from grader.runner import FunctionArg, Reply, StudentRunner, TensorArg


def _describe_arg(value: Any) -> str:
    if isinstance(value, TensorArg):
        shape = tuple(apply_layout(value.base.to("meta"), [list(op) for op in value.layout]).shape)
        layout = ", non-contiguous" if value.layout else ""
        device = f", on {value.device}" if value.device != "cpu" else ""
        return f"tensor {shape} {dtype_name(value.base.dtype)}{layout}{device}"
    if isinstance(value, torch.Tensor):
        return f"tensor {tuple(value.shape)} {dtype_name(value.dtype)}"
    if isinstance(value, FunctionArg):
        return f"<function {value.name}>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The arguments of a call as a student reads them: shapes and dtypes, not values."""
    parts = [_describe_arg(a) for a in args]
    parts += [f"{k}={_describe_arg(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


@dataclass(frozen=True)
class Devices:
    """Where a run's checks execute."""

    values: str
    """Device for value checks (real data): ``cpu`` or ``cuda``."""
    device_round: tuple[str, ...]
    """Devices whose placement is checked: ``meta`` (and ``cuda`` when present) by default."""


@dataclass(frozen=True)
class StudentFunction:
    """Calls one of the student's functions in the worker; reads its source for rule checks."""

    exercise: Exercise
    function: str
    file: Path | None
    runner: StudentRunner
    source_text: str | None

    def other(self, function: str) -> StudentFunction:
        """The handle of another function of the same exercise (e.g. ``zero_diagonal_``)."""
        return StudentFunction(self.exercise, function, self.file, self.runner, self.source_text)

    def call(self, *args: Any, context: str | None = None, **kwargs: Any) -> Reply:
        """Call the function; the reply includes the input tensors as they were afterwards."""
        return self._invoke(args, kwargs, context=context, return_inputs=True)

    def call_backward(
        self, args: tuple[Any, ...], grad_output: Any, kwargs: dict[str, Any] | None = None
    ) -> Reply:
        """Call, then backpropagate ``grad_output`` through the result in the worker.

        The reply's ``inputs_after[i].grad`` holds each input leaf's gradient.
        """
        return self._invoke(
            args, kwargs or {}, context=None, return_inputs=True, backward=grad_output
        )

    def map(self, calls: list[tuple[Any, ...]], *, replies: bool = False) -> Iterator[Any]:
        """Call once per argument tuple, all sent at once; yield the results in order.

        The worker computes the next results while the check compares earlier ones. The first
        call that raised (or never finished) raises here, as it would have on its own. With
        ``replies=True`` each item is the full Reply, inputs after the call included.
        """
        if self.file is None:
            raise ModuleMissing(f"the submission has no {self.exercise.filename}")
        batch = [(tuple(args), {}) for args in calls]
        results = self.runner.iter_calls(
            self.exercise.id, self.file, self.function, batch, return_inputs=replies
        )
        for (args, kwargs), result in zip(batch, results):
            if isinstance(result, StudentRaised):
                raise StudentRaised(result.function, result.error, describe_call(args, kwargs))
            if isinstance(result, Exception):
                raise result
            yield result if replies else result.value

    def call_probing_backward(self, *args: Any, **kwargs: Any) -> Reply:
        """Call; then, for each leaf inside a list argument, check a new backward still works."""
        return self._invoke(args, kwargs, context=None, return_inputs=True, probe_backward=True)

    def call_with(self, options: dict[str, Any], *args: Any, **kwargs: Any) -> Reply:
        """Call with worker options: ``probe_structure``, ``time_reference``,
        ``probe_write_through`` or ``fake_clock`` (see :mod:`grader.inside.worker`)."""
        return self._invoke(args, kwargs, context=None, return_inputs=True, options=options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function and return what it returned (tensors as ReturnedTensor)."""
        return self._invoke(args, kwargs, context=None, return_inputs=False).value

    def _invoke(
        self,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        context: str | None,
        return_inputs: bool,
        backward: Any = None,
        probe_backward: bool = False,
        options: dict[str, Any] | None = None,
    ) -> Reply:
        if self.file is None:
            raise ModuleMissing(f"the submission has no {self.exercise.filename}")
        try:
            return self.runner.call(
                self.exercise.id,
                self.file,
                self.function,
                args,
                kwargs,
                context=context,
                return_inputs=return_inputs,
                backward=backward,
                probe_backward=probe_backward,
                options=options,
            )
        except StudentRaised as exc:
            raise StudentRaised(exc.function, exc.error, describe_call(args, kwargs)) from None

    def raised(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Call expecting an exception: its description, or None if the call returned normally."""
        try:
            self.call(*args, **kwargs)
        except StudentRaised as exc:
            return exc.error
        return None

    def tree(self) -> ast.Module:
        """The parsed source of the student's module; a stub function counts as not attempted."""
        if self.source_text is None:
            raise ModuleMissing(f"the submission has no {self.exercise.filename}")
        try:
            tree = ast.parse(self.source_text)
        except SyntaxError as exc:
            raise GradingError(
                f"{self.exercise.filename} has a syntax error at line {exc.lineno}: {exc.msg}"
            ) from None
        if not rules.find_bindings(tree, self.function):
            raise FunctionMissing(
                f"{self.exercise.filename} has no function named {self.function}()"
            )
        if rules.is_stub(tree, self.function):
            raise NotAttempted(f"{self.function}() still raises NotImplementedError")
        return tree

    def expect_no_loops(self) -> None:
        """Fail if the function (or a helper it calls) has a loop or comprehension."""
        self.tree()
        findings = rules.find_loops(self.source_text or "", self.function)
        if findings:
            raise CheckFailed(
                f"{self.function}() must not use Python loops, but has a "
                f"{rules.describe_findings(findings, self.exercise.filename)}. "
                "Use tensor operations (broadcasting, reductions) instead."
            )

    def expect_no_banned(
        self,
        *,
        banned: tuple[str, ...] = (),
        banned_modules: tuple[str, ...] = (),
        banned_methods: tuple[str, ...] = (),
        banned_call_modules: tuple[str, ...] = (),
        why: str = "",
    ) -> None:
        """Fail if the function (or a helper it calls) uses a banned name."""
        self.tree()
        findings = rules.find_banned(
            self.source_text or "",
            self.function,
            banned=banned,
            banned_modules=banned_modules,
            banned_methods=banned_methods,
            banned_call_modules=banned_call_modules,
        )
        if findings:
            raise CheckFailed(
                f"{self.function}() uses what this exercise does not allow: "
                f"{rules.describe_findings(findings, self.exercise.filename)}."
                + (f" {why}" if why else "")
            )
