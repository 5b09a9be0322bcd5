"""Hidden checks for module 6: random images and dtypes."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks.api import (
    check,
    examples,
    fill,
)
from grader.checks.m06_dtypes_memory import expect_uint8


@check("6.3", kind="values", points=0.5)
def check_to_uint8_image_random_images(student, seed, gen):
    """Random image shapes in float16, float32 and float64, in and out of range"""
    shapes = st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple)
    cases = [
        (
            fill(
                (*shape, 3),
                gen,
                (torch.float32, torch.float64, torch.float16)[i % 3],
                low=-0.5,
                high=1.5,
            ),
        )
        for i, shape in enumerate(examples(shapes, seed=seed, n=15))
    ]
    for (x,), out in zip(cases, student.map(cases)):
        expect_uint8(out, x, what=f"to_uint8_image({x.dtype} x {tuple(x.shape)})")


_dtypes = st.sampled_from(
    [
        torch.bool,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.bfloat16,
        torch.float32,
        torch.complex64,
    ]
)


@check("6.2", kind="values", points=0.5)
def check_footprint_random_shapes_and_dtypes(student, seed):
    """Random shapes and dtypes of every element size"""
    from grader.checks.m06_dtypes_memory import expect_footprint

    cases = st.tuples(st.lists(st.integers(0, 5), max_size=3).map(tuple), _dtypes)
    for shape, dtype in examples(cases, seed=seed, n=15):
        x = torch.zeros(shape, dtype=dtype)
        size = x.element_size() * x.numel()
        expect_footprint(student(x), size, size, what=f"footprint({dtype} {shape})")


LATTICE = (
    torch.bool,
    torch.uint8,
    torch.int8,
    torch.int16,
    torch.int32,
    torch.int64,
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
)


@check("6.1", kind="values", points=1.5)
def check_promote_types_all_100_pairs(student):
    """All 100 ordered pairs match torch.promote_types"""
    from grader.checks.api import expect_equal

    for a in LATTICE:
        for b in LATTICE:
            expect_equal(student(a, b), torch.promote_types(a, b), what=f"promote_types({a}, {b})")


@check("6.1", kind="values", points=0.5)
def check_promote_types_is_symmetric(student, gen):
    """promote_types(a, b) == promote_types(b, a)"""
    from grader.checks.api import expect_equal
    from grader.checks.m06_dtypes_memory import SURPRISES

    order = torch.randperm(len(LATTICE), generator=gen).tolist()
    pairs = [*SURPRISES, *((LATTICE[i], LATTICE[j]) for i, j in zip(order, reversed(order)))]
    for a, b in pairs:
        expect_equal(
            student(b, a),
            student(a, b),
            what=f"promote_types({b}, {a})",
            hint="the result must not depend on the order of the arguments.",
        )
