"""Hidden checks for module 2: random sizes, batch dimensions and broadcast shapes."""

from __future__ import annotations

import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks.api import (
    check,
    examples,
    expect_close,
    expect_input_unchanged,
    expect_view_of_input,
    fill,
)
from grader.checks.m02_views import expect_broadcast_view, expect_new_memory, zero_diag_expected

_image_batch = st.tuples(*(st.integers(2, 5) for _ in range(4)))  # sizes >= 2: never contiguous


@check("2.1", kind="values", points=1)
def check_to_channels_first_random_batches(student, seed, gen):
    """Random (B, H, W, C) give the permuted values, as a view and as a copy"""
    for i, shape in enumerate(examples(_image_batch, seed=seed, n=15)):
        x = fill(shape, gen)
        contiguous = bool(i % 2)
        reply = student.call(x, contiguous=contiguous)
        what = f"to_channels_first(x {shape}, contiguous={contiguous})"
        expect_close(reply.value, x.permute(0, 3, 1, 2), what=what)
        if contiguous:
            expect_new_memory(reply.value, what=what)
        else:
            expect_view_of_input(reply.value, what=what, source=x)
        expect_input_unchanged(reply, 0, x, name="x")


@st.composite
def _square_batch(draw: st.DrawFn) -> tuple[int, ...]:
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    n = draw(st.integers(1, 5))
    return (*lead, n, n)


@check("2.2", kind="values", points=0.5)
def check_zero_diagonal_random_batches(student, seed, gen):
    """Random batch dimensions: the copy and the in-place version zero every diagonal"""
    in_place = student.other("zero_diagonal_")
    for shape in examples(_square_batch(), seed=seed, n=15):
        x = fill(shape, gen)
        reply = student.call(x)
        expect_close(reply.value, zero_diag_expected(x), what=f"zero_diagonal(x {shape})")
        expect_input_unchanged(reply, 0, x, name="x")
        after = in_place.call(x).inputs_after[0]
        if after is not None and after.value is not None:
            expect_close(
                after.value, zero_diag_expected(x), what=f"x after zero_diagonal_(x {shape})"
            )


@st.composite
def _broadcast_case(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    target = tuple(draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)))
    keep = draw(st.integers(0, len(target)))
    source = tuple(draw(st.sampled_from([1, size])) for size in target[len(target) - keep :])
    return source, target


@check("2.3", kind="values", points=0.5)
def check_broadcast_view_random_shapes(student, seed, gen):
    """Random broadcastable shapes give zero-copy views with broadcast_to's values"""
    for source, target in examples(_broadcast_case(), seed=seed, n=20):
        x = fill(source, gen)
        what = f"broadcast_view(x {source}, {target})"
        out = student(x, target)
        expect_close(out, torch.broadcast_to(x, target), what=what)
        expect_broadcast_view(out, x, target, what=what)
