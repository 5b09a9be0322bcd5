"""Hidden checks for module 1: randomised cases."""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st

from grader.checks.api import (
    check,
    examples,
    expect_close,
)

_ranges = st.tuples(
    st.floats(-100, 100, allow_nan=False, allow_subnormal=False),
    st.floats(-100, 100, allow_nan=False, allow_subnormal=False),
    st.one_of(st.just(1), st.integers(1, 500)),
)


@check("1.1", kind="values", points=1)
def check_linspace_random_ranges_match_numpy(student, seed):
    """Random ranges (counting down, num=1) match np.linspace"""
    cases = examples(_ranges, seed=seed)
    for (start, stop, num), out in zip(cases, student.map(cases)):
        expected = torch.from_numpy(np.linspace(start, stop, num))
        scale = max(1.0, abs(start), abs(stop))
        expect_close(
            out,
            expected,
            rtol=1e-12,
            atol=1e-12 * scale,
            what=f"linspace_like_numpy({start!r}, {stop!r}, {num})",
        )


_shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)


@check("1.2", kind="values", points=1)
def check_arange_reshape_random_shapes(student, seed):
    """Random shapes of 0-4 dimensions, () included, hold their row-major index"""
    cases = [(), *examples(_shapes, seed=seed)]
    for shape in cases:
        n = math.prod(shape)
        out = student(shape)
        expect_close(
            out, torch.arange(n, dtype=torch.int64).reshape(shape), what=f"arange_reshape({shape})"
        )


@check("1.3", kind="view", points=0.5)
def check_numpy_view_random_shapes_and_dtypes(student, seed, gen):
    """Random shapes and dtypes: same values, shared memory"""
    from grader.checks.api import fill
    from grader.checks.m01_creation import expect_array, expect_shared

    dtypes = (torch.float32, torch.float64, torch.int32, torch.int64, torch.uint8)
    shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)
    for i, shape in enumerate(examples(shapes, seed=seed, n=10)):
        t = fill(shape, gen, dtypes[i % len(dtypes)], low=0, high=100)
        reply = student.call_with({"probe_write_through": True}, t)
        expect_array(reply.value, t, what=f"numpy_view({t.dtype} t {shape})")
        expect_shared(reply, what=f"numpy_view({t.dtype} t {shape})")
