"""Hidden checks for module 4: random shapes and square traps."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from grader.checks.api import (
    check,
    examples,
    expect_close,
    expect_input_unchanged,
    fill,
)
from grader.checks.m04_reductions import expect_means, expected_stats, softmax64, stats_fields

_any_shape = st.lists(st.integers(1, 6), min_size=1, max_size=4).filter(
    lambda s: int(np.prod(s)) >= 2
)


@check("4.1", kind="values", points=1)
def check_describe_random_tensors_match_numpy(student, seed, gen):
    """Random shapes and dtypes match NumPy (ddof=1 unbiased, ddof=0 biased)"""
    for i, shape in enumerate(examples(_any_shape, seed=seed)):
        dtype = (torch.float32, torch.float64)[i % 2]
        unbiased = bool(i % 3)
        x = fill(tuple(shape), gen, dtype, low=-5, high=5)
        expected = expected_stats(x, unbiased=unbiased)
        reply = student.call(x, unbiased=unbiased)
        what = f"describe(x of shape {tuple(shape)}, unbiased={unbiased})"
        got = stats_fields(reply.value, what=what)
        for name, value in expected.items():
            expect_close(
                got[name],
                value,
                rtol=1e-5,
                atol=1e-5,
                what=f"{what}.{name}",
            )
        expect_input_unchanged(reply, 0, x, name="x")


@st.composite
def _image_batch(draw: st.DrawFn) -> tuple[int, int, int, int]:
    c = draw(st.integers(1, 5))
    h = draw(st.one_of(st.just(c), st.integers(1, 6)))  # H == W == C trap
    w = draw(st.one_of(st.just(h), st.integers(1, 6)))
    b = draw(st.one_of(st.just(c), st.integers(1, 5)))  # B == C trap
    return (b, h, w, c)


@check("4.2", kind="values", points=1.5)
def check_image_means_random_batches_with_square_traps(student, seed, gen):
    """Random batches, including H == W == C and B == C, match the float64 oracle"""
    cases = [(fill(shape, gen, low=-3, high=3),) for shape in examples(_image_batch(), seed=seed)]
    for (x,), out in zip(cases, student.map(cases)):
        expect_means(out, x, what=f"image_means(x of shape {tuple(x.shape)})")


@st.composite
def _softmax_case(draw: st.DrawFn) -> tuple[tuple[int, ...], int]:
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, dim


@check("4.3", kind="values", points=1.5)
def check_stable_softmax_random_shapes_and_dims(student, seed, gen):
    """1-4-D shapes along every dim (negative too), float32 and float64, sum to 1"""
    cases = [
        (fill(shape, gen, (torch.float32, torch.float64)[i % 2], low=-20, high=20), dim)
        for i, (shape, dim) in enumerate(examples(_softmax_case(), seed=seed))
    ]
    for (x, dim), reply in zip(cases, student.map(cases, replies=True)):
        shape, dtype = tuple(x.shape), x.dtype
        expect_close(
            reply.value,
            softmax64(x, dim),
            rtol=1e-5,
            atol=1e-6,
            what=f"stable_softmax({dtype} x of shape {shape}, dim={dim})",
            hint="keep the reduced dim (keepdim=True) so it broadcasts back.",
        )
        expect_input_unchanged(reply, 0, x, name="x")
