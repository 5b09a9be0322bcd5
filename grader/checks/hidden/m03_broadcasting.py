"""Hidden checks for module 3: randomised shapes, square traps and incompatible shapes."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks.api import (
    check,
    examples,
    expect_close,
    expect_equal,
    expect_input_unchanged,
    expect_raises,
    fill,
)
from grader.checks.oracles import (
    center_columns64,
    pairwise_sq_dists_loop,
    scale_batch_channels_loop,
    scale_channels_loop,
)

_mutual = st.integers(1, 5).flatmap(
    lambda n: hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=5, max_side=6)
)


@check("3.1", kind="values", points=1.5)
def check_broadcast_shapes_random_shapes_match_numpy(student, seed):
    """1 to 5 random broadcastable shapes give np.broadcast_shapes's answer"""
    cases = [
        tuple(tuple(int(s) for s in shape) for shape in drawn.input_shapes)
        for drawn in examples(_mutual, seed=seed)
    ]
    for shapes, out in zip(cases, student.map(cases)):
        expected = tuple(int(s) for s in np.broadcast_shapes(*shapes))
        expect_equal(out, expected, what=f"broadcast_shapes{shapes}")


@st.composite
def _incompatible(draw: st.DrawFn) -> tuple[tuple[int, ...], ...]:
    """Two shapes that agree everywhere but one aligned position, where neither size is 1."""
    base = draw(st.lists(st.integers(2, 6), min_size=1, max_size=5))
    pos = draw(st.integers(0, len(base) - 1))
    other = list(base)
    other[pos] = draw(st.integers(2, 9).filter(lambda v: v != base[pos]))
    cut = draw(st.integers(0, pos))  # dropping leading sizes keeps the clash aligned
    shapes = [tuple(base), tuple(other[cut:])]
    if draw(st.booleans()):
        shapes.reverse()
    return tuple(shapes)


@check("3.1", kind="exception", points=1)
def check_broadcast_shapes_incompatible_shapes_raise_value_error(student, seed):
    """Incompatible shapes raise ValueError"""
    for shapes in examples(_incompatible(), seed=seed, n=15):
        expect_raises(student, *shapes, what=f"broadcast_shapes{shapes}")


def _image_shape(draw: st.DrawFn) -> tuple[int, int, int]:
    c = draw(st.integers(1, 5))
    h = draw(st.one_of(st.just(c), st.integers(1, 6)))  # square trap: H == C
    w = draw(st.one_of(st.just(h), st.integers(1, 6)))
    return (h, w, c)


@check("3.3", kind="values", points=0.5)
def check_scale_channels_random_images_match_the_loop_spec(student, seed, gen):
    """Random image sizes and dtypes match the element-by-element spec"""
    cases = []
    for i, shape in enumerate(examples(st.composite(_image_shape)(), seed=seed)):
        dtype = (torch.float32, torch.float64, torch.uint8)[i % 3]
        img = fill(shape, gen, dtype, low=0, high=255 if dtype == torch.uint8 else 1)
        cases.append((img, fill(shape[-1:], gen, torch.float32, low=0, high=2)))
    for (img, scale), out in zip(cases, student.map(cases)):
        shape, dtype = tuple(img.shape), img.dtype
        expect_close(
            out,
            scale_channels_loop(img, scale),
            what=f"scale_channels({dtype} image {shape}, scale {tuple(scale.shape)})",
        )


def _batch_shape(draw: st.DrawFn) -> tuple[int, int, int, int]:
    b = draw(st.integers(1, 4))
    c = draw(st.one_of(st.just(b), st.integers(1, 4)))  # square trap: B == C
    h = draw(st.one_of(st.just(b), st.integers(1, 5)))  # square trap: H == B
    w = draw(st.integers(1, 5))
    return (b, h, w, c)


@check("3.4", kind="values", points=1)
def check_scale_batch_channels_random_batches_match_the_loop_spec(student, seed, gen):
    """Random B, H, W, C (with B == C and H == B traps) match the element-by-element spec"""
    cases = []
    for shape in examples(st.composite(_batch_shape)(), seed=seed):
        imgs = fill(shape, gen)
        cases.append((imgs, fill((shape[0], shape[-1]), gen, low=0, high=2)))
    for (imgs, scales), out in zip(cases, student.map(cases)):
        shape = tuple(imgs.shape)
        expect_close(
            out,
            scale_batch_channels_loop(imgs, scales),
            what=f"scale_batch_channels(imgs {shape}, scales {(shape[0], shape[-1])})",
            hint="each image b uses its own row scales[b]: reshape to (B, 1, 1, C).",
        )


@st.composite
def _matrix_shape(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(1, 8))
    d = draw(st.one_of(st.just(n), st.integers(1, 8)))  # N == D: x - x.mean(1) broadcasts silently
    return (n, d)


@check("3.2", kind="values", points=1)
def check_center_columns_random_matrices_with_the_square_trap(student, seed, gen):
    """Random shapes, N == D included, match the float64 spec"""
    cases = [
        (fill(shape, gen, (torch.float32, torch.float64)[i % 2], low=-50, high=50),)
        for i, shape in enumerate(examples(_matrix_shape(), seed=seed))
    ]
    for (x,), reply in zip(cases, student.map(cases, replies=True)):
        shape, dtype = tuple(x.shape), x.dtype
        atol = 1e-5 * max(1.0, float(x.abs().max()))
        expect_close(
            reply.value,
            center_columns64(x),
            rtol=1e-5,
            atol=atol,
            what=f"center_columns({dtype} x of shape {shape})",
            hint="the mean over dim 0 with keepdim=True, whatever the shape.",
        )
        expect_input_unchanged(reply, 0, x, name="x")


@st.composite
def _point_sets(draw: st.DrawFn) -> tuple[int, int, int]:
    n = draw(st.integers(1, 7))
    m = draw(st.one_of(st.just(n), st.integers(1, 7)))
    d = draw(st.one_of(st.just(n), st.integers(1, 6)))  # N == M == D trap
    return (n, m, d)


@check("3.5", kind="values", points=1)
def check_pairwise_sq_dists_random_points_match_the_loop_spec(student, seed, gen):
    """Random N, M, D (N == M == D included), float32 and float64, match the pair loop"""
    cases = []
    for i, (n, m, d) in enumerate(examples(_point_sets(), seed=seed)):
        dtype = (torch.float32, torch.float64)[i % 2]
        cases.append(
            (fill((n, d), gen, dtype, low=-4, high=4), fill((m, d), gen, dtype, low=-4, high=4))
        )
    for (x, y), out in zip(cases, student.map(cases)):
        (n, d), m, dtype = tuple(x.shape), y.shape[0], x.dtype
        scale = float((x * x).sum(1).max() + (y * y).sum(1).max())
        expect_close(
            out,
            pairwise_sq_dists_loop(x, y),
            rtol=1e-4,
            atol=1e-4 * max(scale, 1e-3),
            what=f"pairwise_sq_dists({dtype} x {(n, d)}, y {(m, d)})",
        )
