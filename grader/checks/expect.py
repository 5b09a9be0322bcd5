"""Assertions that read as sentences and explain themselves to a student.

Order of checking is always: is it a tensor, shape, dtype, device, then values; the first
difference is the one reported. Comparisons are written here (not ``torch.testing``): they run in
the judge on plain tensors rebuilt from the worker's bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

from grader.outcomes import GATED, CheckFailed, OverBudget, WrongValues
from grader.runner import STOP_AFTER_BUDGETS, CpuBudget, InputAfter, Reply, ReturnedTensor

TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
}


def _fmt_dtype(dtype: torch.dtype) -> str:
    return str(dtype)


def _fmt_shape(shape: Any) -> str:
    return f"({', '.join(str(int(s)) for s in shape)}{',' if len(shape) == 1 else ''})"


def _what_is(value: Any) -> str:
    if isinstance(value, ReturnedTensor):
        return f"a tensor of shape {_fmt_shape(value.shape)}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} items"
    return f"a {type(value).__name__} ({value!r:.60})"


def expect_tensor(
    value: Any,
    *,
    shape: tuple[int, ...] | torch.Size | None = None,
    dtype: torch.dtype | None = None,
    device: str | None = None,
    what: str = "the result",
    hint: str = "",
) -> ReturnedTensor:
    """Fail unless ``value`` is a plain tensor with this shape, dtype and device."""
    tip = f" Hint: {hint}" if hint else ""
    if not isinstance(value, ReturnedTensor):
        raise CheckFailed(f"expected {what} to be a tensor, got {_what_is(value)}.")
    if "subclass" in value.facts:
        raise CheckFailed(
            f"expected {what} to be a plain torch.Tensor, got a subclass "
            f"({value.facts['subclass']})."
        )
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise CheckFailed(
            f"expected {what} to have shape {_fmt_shape(shape)}, "
            f"got {_fmt_shape(value.shape)}.{tip}"
        )
    if dtype is not None and value.dtype != dtype:
        raise CheckFailed(
            f"expected {what} to have dtype {_fmt_dtype(dtype)}, "
            f"got {_fmt_dtype(value.dtype)}.{tip}"
        )
    if device is not None and torch.device(value.device).type != torch.device(device).type:
        raise CheckFailed(
            f"expected {what} on device '{device}' (the input's device), got '{value.device}'. "
            "Create new tensors with device=<input>.device, or use *_like functions."
        )
    return value


def _index(flat: int, shape: torch.Size) -> tuple[int, ...]:
    out = []
    for size in reversed(shape):
        out.append(flat % size)
        flat //= size
    return tuple(reversed(out))


def _fmt_value(x: torch.Tensor) -> str:
    v = x.item()
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _as_numpy(tensor: torch.Tensor) -> np.ndarray:
    """The values as a NumPy array (bfloat16 and other types NumPy lacks go through float64)."""
    tensor = tensor.detach().resolve_conj().resolve_neg()
    try:
        return tensor.numpy()
    except (TypeError, RuntimeError):
        return tensor.to(torch.complex128 if tensor.is_complex() else torch.float64).numpy()


def expect_close(
    value: Any,
    expected: torch.Tensor,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    what: str = "the result",
    hint: str = "",
    check_dtype: bool = True,
) -> None:
    """Fail unless ``value`` matches ``expected`` in shape, dtype and values within tolerance.

    Defaults follow ``torch.testing.assert_close``; integers and bools compare exactly; NaNs in the
    same places count as equal.
    """
    try:
        got = expect_tensor(
            value,
            shape=expected.shape,
            dtype=expected.dtype if check_dtype else None,
            what=what,
            hint=hint,
        )
    except WrongValues:
        raise
    except CheckFailed as exc:  # a wrong shape or dtype is a wrong answer too
        raise WrongValues(str(exc)) from None
    if got.data is None:
        raise CheckFailed(f"{what} has no values to compare (it is on '{got.device}').")
    actual = got.data
    exp = expected.detach().to("cpu")
    if actual.numel() == 0:
        return
    if exp.dtype.is_floating_point or exp.dtype.is_complex:
        default_rtol, default_atol = TOLERANCES.get(exp.dtype, (1.3e-6, 1e-5))
        rtol = default_rtol if rtol is None else rtol
        atol = default_atol if atol is None else atol
        # NumPy: a few microseconds per small comparison where torch takes a few hundred.
        dtype = np.complex128 if exp.dtype.is_complex else np.float64
        a = _as_numpy(actual).astype(dtype)
        e = _as_numpy(exp).astype(dtype)
        with np.errstate(invalid="ignore", over="ignore"):
            ok = (np.isnan(a) & np.isnan(e)) | (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
    else:
        ok = _as_numpy(actual.to(exp.dtype)) == _as_numpy(exp)
    ok = np.asarray(ok).reshape(-1)
    if bool(ok.all()):
        return
    bad = int(np.flatnonzero(~ok)[0])
    idx = _index(bad, exp.shape)
    where = f"at index {idx}" if idx else "the value"
    count = int((~ok).sum())
    tol = f" (tolerance: rtol={rtol:g}, atol={atol:g})" if rtol is not None else ""
    raise WrongValues(
        f"{what} has wrong values: {where} expected {_fmt_value(exp.reshape(-1)[bad])}, "
        f"got {_fmt_value(actual.reshape(-1)[bad])}; {count} of {exp.numel()} elements differ{tol}."
        + (f" Hint: {hint}" if hint else "")
    )


def expect_input_unchanged(reply: Reply, index: int, original: torch.Tensor, *, name: str) -> None:
    """Fail if argument ``index`` was modified in place (values or version counter)."""
    after: InputAfter | None = (
        reply.inputs_after[index] if index < len(reply.inputs_after) else None
    )
    if after is None or after.value is None:
        raise CheckFailed(f"the grader could not read back {name} after the call.")
    changed_values = after.value.data is not None and not torch.equal(
        after.value.data, original.detach().to("cpu")
    )
    if changed_values or after.version_delta != 0:
        raise CheckFailed(
            f"your function modified its input {name} in place. Inputs must stay unchanged: "
            "use out-of-place operations (x * s, not x *= s), or work on x.clone()."
        )


def expect_equal(value: Any, expected: Any, *, what: str = "the result", hint: str = "") -> None:
    """Fail unless a plain Python value equals ``expected`` with the same type."""
    if type(value) is not type(expected) or value != expected:
        raise CheckFailed(
            f"expected {what} to be {expected!r} ({type(expected).__name__}), "
            f"got {value!r:.200} ({type(value).__name__})." + (f" Hint: {hint}" if hint else "")
        )


def call_on_device(student: Any, device: str, /, *args: Any, **kwargs: Any) -> Any:
    """Call the student with inputs on ``device``; explain the usual cause if it raises."""
    from grader.outcomes import StudentRaised

    try:
        return student(*args, **kwargs)
    except StudentRaised as exc:
        raise CheckFailed(
            f"with inputs on device '{device}', {exc}. A tensor your function creates is probably "
            "on the CPU: create it with device=<input>.device (or use torch.*_like / x.new_*)."
        ) from None


def expect_view_of_input(out, *, what: str, source: torch.Tensor | None = None) -> None:
    """Fail unless the result shares storage with argument 0.

    With ``source`` (argument 0 as the judge sent it, a plain contiguous tensor), the worker's
    claim is checked against data too: the claimed strides and offset, applied to the input's
    own values, must give exactly the values returned, within a storage of the input's size.
    A copy described as a view (facts rewritten in the worker) does not survive this.
    """
    if 0 not in out.facts.get("shares_storage_with", []):
        raise CheckFailed(f"{what} is a copy: it must be a view sharing the input's memory.")
    if source is not None and out.data is not None:
        expect_shows_input_bytes(out, source, what=what)


def expect_shows_input_bytes(out, source: torch.Tensor, *, what: str) -> None:
    """The returned view, rebuilt from ``source``'s memory with the facts the worker sent,
    equals the values it sent; otherwise those facts are not believed."""
    flat = source.detach().contiguous().reshape(-1)
    facts = out.facts
    try:
        if facts.get("storage_nbytes") != flat.numel() * flat.element_size():
            raise ValueError("storage size")
        rebuilt = torch.as_strided(
            flat, facts["shape"], facts["strides"], int(facts.get("storage_offset", 0))
        )
        believable = torch.equal(rebuilt, out.data)
    except (KeyError, RuntimeError, TypeError, ValueError):
        believable = False
    if not believable:
        raise CheckFailed(
            f"{what} was reported as a view of the input, but its values are not the input's "
            "memory seen through the reported strides: the grader does not believe the report."
        )


@contextlib.contextmanager
def values_first() -> Iterator[None]:
    """The gate of a check whose points count only with a correct answer (rules, device, time,
    dtype): a wrong value inside it fails the check saying so, so a title about rules or devices
    never stands over a bare value error."""
    try:
        yield
    except CheckFailed as exc:
        raise CheckFailed(f"{GATED}{exc}") from None


TIME_RETRIES = 2
"""More runs of a call that was over budget but not far over (its fastest run counts)."""


@dataclass(frozen=True)
class TimeBudget:
    """A time check's budget: ``times`` x a vectorised reference pass + ``floor_s`` of CPU time,
    with what is timed and a hint about loops, in the student's words."""

    what: str
    times: float
    floor_s: float
    hint: str = ""

    def limit_s(self, reference_s: float) -> float:
        """The budget in seconds, given the fastest reference run."""
        return CpuBudget(self.times, self.floor_s).limit_s(reference_s)


def timed_call(student: Any, budget: TimeBudget, options: dict[str, Any], *args: Any) -> Reply:
    """``student.call_with(options, *args)`` (a timed call), stopped once its CPU time passes
    several times ``budget``: such a call fails its budget here, saying so, instead of running a
    Python loop over a million values to the end."""
    try:
        return student.call_with(
            {**options, "cpu_budget": CpuBudget(budget.times, budget.floor_s)}, *args
        )
    except OverBudget as stopped:
        raise CheckFailed(
            _over_budget(budget, stopped.reference_s, stopped.call_s, student, stopped=True)
        ) from None


def expect_within_budget(
    reply: Any,
    budget: TimeBudget,
    *,
    again: Callable[[], Any] | None = None,
    student: Any = None,
) -> None:
    """The call's CPU time is at most ``budget.times`` x the fastest reference run +
    ``budget.floor_s``.

    The hint is about loops: it is given only when ``student``'s code has one (read from its
    source); code without a loop is told what else makes a vectorised answer slow.

    Both are read by the judge from the worker's kernel CPU clock (see grader.cputime), so a
    busy machine or a patched clock in the worker changes nothing. A call over budget but under
    4x the budget is run again (``again``) up to :data:`TIME_RETRIES` times and its fastest run
    counts. Where no outside clock exists the check is skipped, saying so.
    """
    cpu = reply.cpu
    if cpu is None:
        pytest.skip(
            "time budgets are measured from outside the worker, which needs Linux: "
            "this check did not run here"
        )
    reference, call = cpu.reference_s, cpu.call_s
    for _ in range(TIME_RETRIES):
        if call <= budget.limit_s(reference) or again is None:
            break
        if call > STOP_AFTER_BUDGETS * budget.limit_s(reference):
            break  # a loop, not noise: more runs only cost time
        retry = again().cpu
        if retry is not None:
            reference, call = min(reference, retry.reference_s), min(call, retry.call_s)
    if call > budget.limit_s(reference):
        raise CheckFailed(_over_budget(budget, reference, call, student, stopped=False))


def _over_budget(
    budget: TimeBudget, reference: float, call: float, student: Any, *, stopped: bool
) -> str:
    """Why a call failed its budget, for a student: the times, and a hint fit for the code."""
    hint = budget.hint
    if student is not None and not _has_loops(student):
        hint = (
            "your code has no Python loop; look for a step that makes one Python object per "
            "element (a list of N numbers, .tolist(), .item()) or an intermediate far larger "
            "than the input."
        )
    took = (
        f"was stopped after {call * 1000:.0f} ms of CPU time, more than "
        f"{STOP_AFTER_BUDGETS:g}x its budget of"
        if stopped
        else f"took {call * 1000:.0f} ms of CPU time, over its budget of"
    )
    return (
        f"{budget.what} {took} {budget.limit_s(reference) * 1000:.0f} ms ({budget.times:g}x a "
        f"vectorised reference pass over the same input, {reference * 1000:.1f} ms, + "
        f"{budget.floor_s * 1000:.0f} ms)." + (f" Hint: {hint}" if hint else "")
    )


def _has_loops(student: Any) -> bool:
    """Whether the student's function (or a helper it uses) has a Python loop, from the source."""
    from grader import rules

    try:
        return bool(rules.find_loops(student.source_text or "", student.function))
    except rules.SourceError:
        return True


def expect_raises(
    student: Any,
    *args: Any,
    kinds: tuple[str, ...] = ("ValueError",),
    what: str,
    hint: str = "",
) -> None:
    """Fail unless calling the student with ``args`` raises one of the builtins ``kinds``."""
    error = student.raised(*args)
    mro = set() if error is None else set(error.get("mro", []))
    if not {f"builtins.{kind}" for kind in kinds} & mro:
        got = "no exception" if error is None else error.get("type")
        raise CheckFailed(
            f"{what} must raise {' or '.join(kinds)}, got {got}." + (f" {hint}" if hint else "")
        )
