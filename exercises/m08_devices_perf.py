# Your exercises: replace each `raise NotImplementedError` with your code, then run `grade`.
# (Generated from solutions/m08_devices_perf.py; instructors: edit that file and regenerate.)
"""Module 8 — Devices and performance.

Device-agnostic code moves data with ``.to(device)`` and creates tensors on the device of its
inputs. Fast code lets whole-tensor operations do the looping; measuring it needs a monotonic
high-resolution clock, a warm-up, the median of several runs, and (on a GPU) a synchronize.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

import torch
from torch import Tensor

T = TypeVar("T")


def to_device(batch: T, device: torch.device | str) -> T:
    """Move every tensor in a nested batch to ``device``, keeping the structure.

    Args:
        batch: a tensor, or a nest of ``dict``, ``list``, ``tuple``, ``NamedTuple`` and
            ``OrderedDict`` holding tensors and other objects.
        device: the target device, e.g. ``"cuda"``, ``"cpu"`` or ``"meta"``.

    Returns:
        The same structure with the same container types (a tuple stays a tuple, a NamedTuple
        keeps its class, an OrderedDict stays one), every tensor on ``device``. A tensor already
        there is returned as the same object (``.to`` returns ``self``); other objects are
        returned as they are.

    Device and mutation: every tensor ends up on ``device``; the input containers stay
    unchanged (no dict or list of ``batch`` is modified).

    Example:
        >>> to_device({"x": torch.zeros(2), "ids": [1, 2]}, "meta")
        {'x': tensor(..., device='meta', size=(2,)), 'ids': [1, 2]}
    """
    raise NotImplementedError


def rolling_mean(x: Tensor, window: int) -> Tensor:
    """The mean of every window of ``window`` consecutive values, with no Python loops.

    Args:
        x: (N,) floating-point values.
        window: the window length, 1 <= window <= N.

    Returns:
        (N - window + 1,) tensor of ``x``'s dtype: ``out[i] = mean(x[i : i + window])``.

    Raises:
        ValueError: if ``window < 1`` or ``window > N``.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Not allowed: Python loops (a loop over 10^6 values takes seconds).

    Time budget: on 10^6 float32 values with window 100, at most 100x the CPU time of one pass
    over ``x`` (``x.sum()``) + 0.5 s of CPU time, measured by the grader from outside your
    process; the values must then be right to within 1e-3.

    Example:
        >>> rolling_mean(torch.tensor([1.0, 2.0, 3.0, 4.0]), 2)
        tensor([1.5000, 2.5000, 3.5000])

    Hint: ``x.unfold(0, window, 1)`` views every window as a row. A float32 ``cumsum`` drifts
    (3.1e-4 error at N = 10^6 against 1.3e-7 for unfold).
    """
    raise NotImplementedError


def time_it(fn: Callable[[], Any], *, repeats: int = 5, warmup: int = 1) -> float:
    """Return the median wall time of ``fn()`` in seconds.

    Run ``fn`` ``warmup`` times untimed, then ``repeats`` times timed with
    ``time.perf_counter``, and return the median of the timed intervals. When CUDA is available,
    call ``torch.cuda.synchronize()`` before each clock read, so queued GPU work is counted.

    Args:
        fn: the function to time (no arguments).
        repeats: how many timed runs (odd numbers give an unambiguous median).
        warmup: how many untimed runs first.

    Returns:
        The median interval as a Python ``float``.

    Device: with CUDA available, ``torch.cuda.synchronize()`` runs before every clock read (the
    grader checks this with a simulated CUDA, so it is checked on any machine).

    Example:
        >>> t = time_it(lambda: torch.ones(1000).sum(), repeats=5)
        >>> 0 < t < 1
        True
    """
    raise NotImplementedError
