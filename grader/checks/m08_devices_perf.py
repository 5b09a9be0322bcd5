"""Visible checks for module 8: devices and performance."""

from __future__ import annotations

import itertools
import statistics
from collections import OrderedDict, namedtuple
from typing import Any

import torch

from grader.checks.api import (
    CheckFailed,
    FunctionArg,
    TensorArg,
    TimeBudget,
    call_on_device,
    check,
    expect_close,
    expect_equal,
    expect_raises,
    expect_tensor,
    expect_within_budget,
    fill,
    on,
    timed_call,
)

Batch = namedtuple("Batch", ["images", "labels", "meta"])


def expect_moved(out: Any, spec: Any, device: str, *, path: str = "batch") -> None:
    """``out`` has ``spec``'s structure and container types, with every tensor on ``device``."""
    if isinstance(spec, (torch.Tensor, TensorArg)):
        base = spec if isinstance(spec, torch.Tensor) else spec.base
        expect_tensor(out, shape=base.shape, dtype=base.dtype, device=device, what=path)
        if out.data is not None and not isinstance(spec, TensorArg):
            expect_close(out, spec, what=path)
        return
    if isinstance(spec, tuple) and hasattr(spec, "_fields"):
        fields = getattr(out, "_fields", None)
        if type(out).__name__ != type(spec).__name__ or fields != spec._fields:
            raise CheckFailed(
                f"{path} was a {type(spec).__name__} NamedTuple; it came back as "
                f"{type(out).__name__}. Rebuild it with type(batch)(*items)."
            )
    elif type(out) is not type(spec):
        raise CheckFailed(
            f"{path} was a {type(spec).__name__}; it came back as a "
            f"{type(out).__name__}. Keep the container type: type(batch)(...)."
        )
    if isinstance(spec, dict):
        if list(out) != list(spec):
            raise CheckFailed(f"{path} has keys {list(out)}, expected {list(spec)}.")
        for key in spec:
            expect_moved(out[key], spec[key], device, path=f"{path}[{key!r}]")
    elif isinstance(spec, (list, tuple)):
        if len(out) != len(spec):
            raise CheckFailed(f"{path} has {len(out)} items, expected {len(spec)}.")
        for i, (o, s) in enumerate(zip(out, spec)):
            expect_moved(o, s, device, path=f"{path}[{i}]")
    elif out != spec:
        raise CheckFailed(
            f"{path} changed from {spec!r} to {out!r}: leave non-tensors as they are."
        )


def nested_batch(gen: torch.Generator, *, already: str | None = None) -> dict[str, Any]:
    """A nest of every container kind, with tensors and other objects."""
    batch: dict[str, Any] = {
        "pair": (fill((2,), gen), "label"),
        "list": [fill((1, 2), gen), 3, None, [fill((3,), gen)]],
        "named": Batch(fill((2, 2), gen), torch.arange(2), {"id": 7}),
        "ordered": OrderedDict([("b", fill((1,), gen)), ("a", 2.5)]),
    }
    if already is not None:
        batch["already"] = on(already, fill((2,), gen))
    return batch


def expect_same_objects(reply, paths: tuple[str, ...], *, what: str) -> None:
    """The worker saw these output leaves as the very input objects."""
    same = reply.extra.get("structure", {}).get("same_object", {})
    for path in paths:
        if not same.get(path):
            raise CheckFailed(
                f"{what}: the object at {path} was replaced. A tensor already on "
                "the device and every non-tensor must be returned as they are."
            )


NON_TENSORS = ("/'pair'/1", "/'list'/1", "/'list'/2", "/'named'/2/'id'", "/'ordered'/'a'")


@check("8.1", kind="values", points=1)
def check_to_device_keeps_structure_and_types(student, gen):
    """Dicts, lists, tuples, NamedTuples and OrderedDicts keep their types and contents"""
    batch = nested_batch(gen)
    reply = student.call_with({"probe_structure": True}, batch, "cpu")
    expect_moved(reply.value, batch, "cpu")


@check("8.1", kind="device", points=1)
def check_to_device_moves_every_tensor(student, devices, gen):
    """Every tensor lands on the target device; non-tensors and tensors already there are kept"""
    check_to_device_keeps_structure_and_types(student, gen)
    for device in devices.device_round:
        batch = nested_batch(gen, already=device)
        reply = call_on_device(student.call_with, device, {"probe_structure": True}, batch, device)
        expect_moved(reply.value, batch, device)
        expect_same_objects(
            reply, (*NON_TENSORS, "/'already'"), what=f"to_device(batch, {device!r})"
        )


@check("8.1", kind="view", points=0.5)
def check_to_device_returns_tensors_already_there_as_is(student, gen):
    """Moving to the CPU returns every CPU tensor as the same object (.to returns self)"""
    batch = nested_batch(gen)
    reply = student.call_with({"probe_structure": True}, batch, "cpu")
    expect_moved(reply.value, batch, "cpu")
    expect_same_objects(
        reply,
        ("/'pair'/0", "/'list'/0", "/'named'/0", "/'ordered'/'b'"),
        what="to_device(batch, 'cpu')",
    )


@check("8.1", kind="mutation", points=0.5)
def check_to_device_leaves_input_containers_unchanged(student, gen):
    """The input dicts and lists are not modified"""
    batch = nested_batch(gen)
    reply = student.call_with({"probe_structure": True}, batch, "meta")
    expect_moved(reply.value, batch, "meta")
    if not reply.extra.get("structure", {}).get("containers_unchanged"):
        raise CheckFailed(
            "to_device(batch, device) modified the input containers: build new "
            "containers instead of assigning into batch."
        )


def rolling_loop(x: torch.Tensor, window: int) -> torch.Tensor:
    """Window by window in float64, cast back to x's dtype."""
    values = x.to(torch.float64).tolist()
    out = [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
    return torch.tensor(out, dtype=torch.float64).to(x.dtype)


def _rolling_small(student, gen) -> None:
    x = fill((10,), gen, torch.float64)
    expect_close(
        student(x, 3),
        rolling_loop(x, 3),
        what="rolling_mean(x of length 10, 3)",
        hint="x.unfold(0, window, 1).mean(1).",
    )


@check("8.2", kind="values", points=0.5)
def check_rolling_mean_small_example(student, gen):
    """Windows of 3 over 10 values match the window loop"""
    _rolling_small(student, gen)


@check("8.2", kind="exception", points=0.5)
def check_rolling_mean_rejects_bad_windows(student, gen):
    """window < 1 or window > N raises ValueError"""
    x = fill((5,), gen)
    for window in (0, -1, 6):
        expect_raises(student, x, window, what=f"rolling_mean(x of length 5, {window})")


@check("8.2", kind="rules", points=0.5, requires=_rolling_small)
def check_rolling_mean_has_no_python_loops(student, gen):
    """Solves a small example with no Python loops"""
    student.expect_no_loops()


@check("8.2", kind="time", points=0.5)
def check_rolling_mean_fast_on_a_million_values(student, gen):
    """10^6 float32 values, window 100: within 100x a pass + 0.5 s of CPU, to within 1e-3"""
    x = fill((10**6,), gen, low=0, high=1)
    budget = TimeBudget(
        what="rolling_mean on 10^6 values",
        times=100.0,
        floor_s=0.5,
        hint="a Python loop over windows takes minutes; x.unfold views every window at once.",
    )
    reply = timed_call(student, budget, {"time_reference": "sum"}, x, 100)
    expected = x.to(torch.float64).unfold(0, 100, 1).mean(1).float()
    expect_close(reply.value, expected, rtol=0, atol=1e-3, what="rolling_mean(x of 10^6, 100)")
    expect_within_budget(
        reply,
        budget,
        student=student,
        again=lambda: timed_call(
            student, budget, {"time_reference": "sum", "values": False}, x, 100
        ),
    )


@check("8.2", kind="device", points=0.5, requires=_rolling_small)
def check_rolling_mean_output_on_input_device(student, devices, gen):
    """The result is on x's device"""
    x = fill((8,), gen)
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x), 3)
        expect_tensor(out, shape=(6,), dtype=torch.float32, device=device)


WORK = FunctionArg("fake_clock_work")


def timed(student, intervals: list[float], *, repeats: int, warmup: int, cuda: bool = False):
    """time_it under a fake clock whose work takes the planned intervals."""
    return student.call_with(
        {"fake_clock": {"intervals": intervals, "cuda": cuda}}, WORK, repeats=repeats, warmup=warmup
    )


@check("8.3", kind="values", points=0.5)
def check_time_it_calls_fn_warmup_plus_repeats_times(student):
    """fn runs exactly warmup + repeats times"""
    for repeats, warmup in ((5, 1), (3, 2), (1, 0)):
        reply = timed(student, [0.5] * 10, repeats=repeats, warmup=warmup)
        calls = (reply.fake_clock or {}).get("calls")
        if calls != repeats + warmup:
            raise CheckFailed(
                f"time_it(fn, repeats={repeats}, warmup={warmup}) called fn "
                f"{calls} times, expected {repeats + warmup}."
            )


@check("8.3", kind="dtype", points=0.5)
def check_time_it_reads_perf_counter_and_returns_a_float(student):
    """The result is a float measured with time.perf_counter"""
    reply = timed(student, [9.0, 0.25, 0.25, 0.25], repeats=3, warmup=1)
    expect_equal(
        reply.value,
        0.25,
        what="time_it(fn, repeats=3, warmup=1) with fn taking 0.25 s",
        hint="time with time.perf_counter() and return a float.",
    )


@check("8.3", kind="device", points=0.5)
def check_time_it_synchronizes_when_cuda_is_available(student):
    """With CUDA available, torch.cuda.synchronize runs in every timed interval"""
    reply = timed(student, [1.0] * 6, repeats=5, warmup=1, cuda=True)
    facts = reply.fake_clock or {}
    before, total = facts.get("syncs_before_call", []), facts.get("syncs", 0)
    timed_runs = before[1:]  # warmup=1
    synced = (
        len(before) == 6
        and all(b > a for a, b in itertools.pairwise(timed_runs))
        and total > timed_runs[-1]
    )
    if not synced:
        raise CheckFailed(
            "time_it did not call torch.cuda.synchronize() around every timed run "
            "while CUDA was available: queued GPU work would go unmeasured."
        )
    expect_equal(reply.value, 1.0, what="time_it with fn taking 1 s")


def expect_seconds(value: Any, expected: float, *, what: str) -> None:
    """A float within a nanosecond of ``expected`` (the fake clock's sums round)."""
    if type(value) is not float or abs(value - expected) > 1e-9:
        raise CheckFailed(
            f"expected {what} to be {expected!r} (float), got {value!r:.40} "
            f"({type(value).__name__}). Hint: statistics.median of the timed "
            "intervals only, as a float."
        )


def median_of_plan(intervals: list[float], repeats: int, warmup: int) -> float:
    """What time_it must return for a fake clock with these intervals."""
    return float(statistics.median(intervals[warmup : warmup + repeats]))
