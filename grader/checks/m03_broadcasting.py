"""Visible checks for module 3: broadcasting."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    RandomArg,
    TimeBudget,
    call_on_device,
    check,
    expect_close,
    expect_equal,
    expect_input_unchanged,
    expect_raises,
    expect_tensor,
    expect_within_budget,
    fill,
    on,
    timed_call,
    transposed,
    values_first,
)
from grader.checks.oracles import (
    center_columns64,
    pairwise_sq_dists_loop,
    scale_batch_channels_loop,
    scale_channels_loop,
)

SEED_SHAPES = ((1, 6, 4, 1, 7, 2), (5, 6, 1, 3, 1, 2))
PURE_PYTHON = {
    "banned_modules": ("torch", "numpy"),
    "why": "Implement the rule with plain Python: loop over the right-aligned sizes.",
}


def _broadcast_seed_example(student) -> None:
    expect_equal(
        student(*SEED_SHAPES),
        (5, 6, 4, 3, 7, 2),
        what="broadcast_shapes((1, 6, 4, 1, 7, 2), (5, 6, 1, 3, 1, 2))",
        hint="return a plain tuple of ints, e.g. tuple(result).",
    )


@check("3.1", kind="values", points=1)
def check_broadcast_shapes_seed_example(student):
    """The seed example (1, 6, 4, 1, 7, 2) with (5, 6, 1, 3, 1, 2) gives (5, 6, 4, 3, 7, 2)"""
    _broadcast_seed_example(student)


@check("3.1", kind="values", points=1)
def check_broadcast_shapes_edge_cases(student):
    """No shapes give (); a 0 broadcasts with 1 but not with 3"""
    expect_equal(student(), (), what="broadcast_shapes()")
    expect_equal(
        student((0,), (1,)),
        (0,),
        what="broadcast_shapes((0,), (1,))",
        hint="a size of 1 stretches to any size, 0 included.",
    )
    expect_equal(student((2, 1), (3,)), (2, 3), what="broadcast_shapes((2, 1), (3,))")
    expect_raises(
        student,
        (0,),
        (3,),
        what="broadcast_shapes((0,), (3,))",
        hint="0 and 3 differ and neither is 1.",
    )


@check("3.1", kind="rules", points=0.5)
def check_broadcast_shapes_is_pure_python(student):
    """Solves the seed example in pure Python (no torch, no NumPy)"""
    _broadcast_seed_example(student)
    student.expect_no_banned(**PURE_PYTHON)


def _scale_channels_small(student, gen) -> None:
    img, scale = fill((5, 6, 3), gen, low=0, high=1), fill((3,), gen, low=0, high=2)
    expect_close(
        student(img, scale),
        scale_channels_loop(img, scale),
        what="scale_channels(img (5, 6, 3), scale (3,))",
    )


def _scale_batch_small(student, gen) -> None:
    imgs, scales = fill((3, 4, 5, 2), gen), fill((3, 2), gen, low=0, high=2)
    expect_close(
        student(imgs, scales),
        scale_batch_channels_loop(imgs, scales),
        what="scale_batch_channels(imgs (3, 4, 5, 2), scales (3, 2))",
        hint="reshape the scales to (B, 1, 1, C) before multiplying.",
    )


@check("3.3", kind="values", points=0.5)
def check_scale_channels_seed_example(student, gen):
    """The seed example: a 256x256x3 image times 3 channel scales"""
    img = fill((256, 256, 3), gen, low=0, high=1)
    scale = torch.tensor([0.5, 1.0, 2.0])
    expect_close(
        student(img, scale),
        (img.double() * scale.double()).float(),
        what="scale_channels(img 256x256x3, scale (3,))",
    )


@check("3.3", kind="dtype", points=0.5)
def check_scale_channels_promotes_dtypes(student, gen):
    """The dtype follows torch.result_type: uint8 image x float32 scale gives float32"""
    img = fill((4, 5, 3), gen, torch.uint8, low=0, high=255)
    for scale_dtype in (torch.float32, torch.float64):
        scale = fill((3,), gen, scale_dtype, low=0, high=2)
        out = student(img, scale)
        expect_tensor(
            out,
            shape=(4, 5, 3),
            dtype=torch.result_type(img, scale),
            what=f"scale_channels(uint8 image, {scale_dtype} scale)",
            hint="multiply directly (img * scale): don't cast the result back to uint8.",
        )
        expect_close(out, scale_channels_loop(img, scale), what="scale_channels(uint8 image)")


@check("3.3", kind="mutation", points=0.25)
def check_scale_channels_leaves_inputs_unchanged(student, gen):
    """The image and the scales are left unchanged"""
    img, scale = fill((6, 7, 3), gen), fill((3,), gen)
    reply = student.call(img, scale)
    expect_close(reply.value, scale_channels_loop(img, scale), what="scale_channels(img, scale)")
    expect_input_unchanged(reply, 0, img, name="img")
    expect_input_unchanged(reply, 1, scale, name="scale")


@check("3.3", kind="rules", points=0.5, requires=_scale_channels_small)
def check_scale_channels_has_no_python_loops(student, gen):
    """Solves a small image with no Python loops"""
    student.expect_no_loops()


@check("3.3", kind="device", points=0.5)
def check_scale_channels_output_on_input_device(student, devices, gen):
    """The result is on the image's device"""
    img, scale = fill((5, 4, 3), gen), fill((3,), gen)
    expect_close(student(img, scale), scale_channels_loop(img, scale), what="on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, img), on(device, scale))
        expect_tensor(out, shape=(5, 4, 3), dtype=torch.float32, device=device)


def _scale_batch_seed(student, gen) -> None:
    imgs = fill((2, 256, 256, 3), gen, low=0, high=1)
    scales = fill((2, 3), gen, low=0, high=2)
    expected = (imgs.double() * scales.double()[:, None, None, :]).float()
    expect_close(
        student(imgs, scales),
        expected,
        what="scale_batch_channels(2x256x256x3, (2, 3))",
        hint="reshape the scales to (B, 1, 1, C) before multiplying.",
    )


@check("3.4", kind="values", points=0.5)
def check_scale_batch_channels_seed_example(student, gen):
    """The seed example: 2 images of 256x256x3 with scales of shape (2, 3)"""
    _scale_batch_seed(student, gen)


@check("3.4", kind="values", points=0.5)
def check_scale_batch_channels_accepts_non_contiguous_images(student, gen):
    """A non-contiguous (transposed) batch of images is scaled correctly"""
    imgs, scales = fill((3, 4, 5, 2), gen), fill((3, 2), gen)
    expected = (imgs.double() * scales.double()[:, None, None, :]).float()
    expect_close(
        student(transposed(imgs), scales),
        expected,
        what="scale_batch_channels(transposed imgs (3, 4, 5, 2), scales (3, 2))",
    )


@check("3.4", kind="mutation", points=0.5)
def check_scale_batch_channels_leaves_inputs_unchanged(student, gen):
    """The images and the scales are left unchanged"""
    imgs, scales = fill((2, 3, 3, 4), gen), fill((2, 4), gen)
    reply = student.call(imgs, scales)
    expect_close(reply.value, scale_batch_channels_loop(imgs, scales), what="the result")
    expect_input_unchanged(reply, 0, imgs, name="imgs")
    expect_input_unchanged(reply, 1, scales, name="scales")


@check("3.4", kind="rules", points=0.5, requires=_scale_batch_small)
def check_scale_batch_channels_has_no_python_loops(student, gen):
    """Solves a small batch with no Python loops"""
    student.expect_no_loops()


@check("3.4", kind="device", points=0.5)
def check_scale_batch_channels_output_on_input_device(student, devices, gen):
    """The result is on the images' device"""
    imgs, scales = fill((3, 4, 5, 2), gen), fill((3, 2), gen)
    expect_close(student(imgs, scales), scale_batch_channels_loop(imgs, scales), what="on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, imgs), on(device, scales))
        expect_tensor(out, shape=(3, 4, 5, 2), dtype=torch.float32, device=device)


@check("3.2", kind="values", points=0.5)
def check_center_columns_seed_example(student, gen):
    """The seed example: a (6, 5) matrix minus its (1, 5) column means"""
    x = fill((6, 5), gen, low=-3, high=3)
    expect_close(
        student(x),
        center_columns64(x),
        rtol=1e-5,
        atol=1e-5 * 3,
        what="center_columns(x of shape (6, 5))",
        hint="subtract x.mean(dim=0, keepdim=True): the mean of each column.",
    )


@check("3.2", kind="dtype", points=0.5)
def check_center_columns_keeps_the_dtype(student, gen):
    """float32 stays float32 and float64 stays float64"""
    for dtype in (torch.float32, torch.float64):
        x = fill((4, 3), gen, dtype)
        expect_close(
            student(x), center_columns64(x), rtol=1e-5, atol=1e-5, what=f"center_columns({dtype} x)"
        )


@check("3.2", kind="mutation", points=0.5)
def check_center_columns_leaves_input_unchanged(student, gen):
    """The input is left unchanged"""
    x = fill((5, 4), gen)
    reply = student.call(x)
    expect_close(reply.value, center_columns64(x), rtol=1e-5, atol=1e-5, what="center_columns(x)")
    expect_input_unchanged(reply, 0, x, name="x")


@check("3.2", kind="device", points=0.5)
def check_center_columns_output_on_input_device(student, devices, gen):
    """The result is on the input's device"""
    x = fill((4, 6), gen)
    expect_close(student(x), center_columns64(x), rtol=1e-5, atol=1e-5, what="on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x))
        expect_tensor(out, shape=(4, 6), dtype=torch.float32, device=device)


def _pairwise_small(student, gen) -> None:
    x, y = fill((4, 3), gen), fill((5, 3), gen)
    scale = float((x * x).sum(1).max() + (y * y).sum(1).max())
    expect_close(
        student(x, y),
        pairwise_sq_dists_loop(x, y),
        rtol=1e-4,
        atol=1e-4 * scale,
        what="pairwise_sq_dists(x (4, 3), y (5, 3))",
        hint="out[i, j] = |x_i|^2 + |y_j|^2 - 2 x_i . y_j, shaped (N, M).",
    )


@check("3.5", kind="values", points=1)
def check_pairwise_sq_dists_small_example(student, gen):
    """4 points against 5 points in 3-D match the pair-by-pair spec"""
    _pairwise_small(student, gen)


@check("3.5", kind="values", points=0.5)
def check_pairwise_sq_dists_never_negative(student, gen):
    """Distances are never negative, even between a point and itself in float32"""
    x = fill((64, 16), gen, low=50, high=60)
    out = expect_tensor(
        student(x, x), shape=(64, 64), dtype=torch.float32, what="pairwise_sq_dists(x, x)"
    )
    smallest = float(out.data.min())
    if smallest < 0:
        raise CheckFailed(
            f"pairwise_sq_dists(x, x) has negative entries (smallest {smallest:.3g}): the "
            "expansion |x|^2 + |y|^2 - 2 x.y rounds below 0 in float32. Clamp with .clamp(min=0)."
        )


@check("3.5", kind="rules", points=0.5, requires=_pairwise_small)
def check_pairwise_sq_dists_no_loops_or_library_distances(student, gen):
    """Solves a small example with no Python loops and no cdist/pdist"""
    student.expect_no_loops()
    student.expect_no_banned(
        banned=("torch.cdist", "torch.pdist", "torch.nn.functional.pairwise_distance"),
        banned_methods=("cdist",),
        why="Build the distances from broadcasting or a matrix product.",
    )


@check("3.5", kind="device", points=0.5, requires=_pairwise_small)
def check_pairwise_sq_dists_output_on_input_device(student, devices, gen):
    """The distances are on the inputs' device"""
    x, y = fill((3, 2), gen), fill((4, 2), gen)
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x), on(device, y))
        expect_tensor(out, shape=(3, 4), device=device)


TIMED = {"time_reference": "sum", "values": False}
BUDGET_TIMES = 100.0
"""Every time budget allows this many reference passes of CPU time, plus a floor: the slowest
vectorised answers we know pass by at least 5x, a Python loop over elements fails by 10x or
more (README: Time budgets, with the figures)."""


def _expect_fast(student, budget, args, shape, call: str) -> None:
    """A float32 result of ``shape`` for the large ``args``, within ``budget``."""
    reply = timed_call(student, budget, TIMED, *args)
    expect_tensor(reply.value, shape=shape, dtype=torch.float32, what=call)
    expect_within_budget(
        reply, budget, student=student, again=lambda: timed_call(student, budget, TIMED, *args)
    )


@check("3.3", kind="time", points=0.25)
def check_scale_channels_fast_on_a_megapixel_image(student, seed):
    """Solves a small image, and a 1024x1024x3 one within 100x a pass over it + 20 ms of CPU"""
    with values_first():
        _scale_channels_small(student, torch.Generator().manual_seed(seed))
    args = (RandomArg((1024, 1024, 3), seed), RandomArg((3,), seed + 1))
    budget = TimeBudget(
        what="scale_channels on a 1024x1024x3 image",
        times=BUDGET_TIMES,
        floor_s=0.02,
        hint="a loop over pixels is thousands of times slower than img * scale.",
    )
    _expect_fast(student, budget, args, (1024, 1024, 3), "scale_channels(1024x1024x3 image, scale)")


@check("3.4", kind="time", points=0.5)
def check_scale_batch_channels_fast_on_a_large_batch(student, seed):
    """Solves a small batch, and 8 images of 256x256x3 within 100x a pass + 20 ms of CPU"""
    with values_first():
        _scale_batch_small(student, torch.Generator().manual_seed(seed))
    args = (RandomArg((8, 256, 256, 3), seed), RandomArg((8, 3), seed + 1))
    budget = TimeBudget(
        what="scale_batch_channels on 8x256x256x3",
        times=BUDGET_TIMES,
        floor_s=0.02,
        hint="a loop over pixels is thousands of times slower than one broadcast multiply.",
    )
    _expect_fast(
        student, budget, args, (8, 256, 256, 3), "scale_batch_channels(8x256x256x3, (8, 3))"
    )


@check("3.5", kind="time", points=0.5)
def check_pairwise_sq_dists_fast_for_500_points(student, seed):
    """Solves a small example, and N = M = 500, D = 8 within 100x one x @ y.T + 100 ms of CPU"""
    with values_first():
        _pairwise_small(student, torch.Generator().manual_seed(seed))
    options = {"time_reference": "matmul_t", "values": False}
    # D = 8: a broadcast difference costs in proportion to D, a loop over pairs hardly does, so a
    # small D keeps both far from the budget (README: Time budgets).
    args = (RandomArg((500, 8), seed), RandomArg((500, 8), seed + 1))
    budget = TimeBudget(
        what="pairwise_sq_dists for 500 x 500 points",
        times=BUDGET_TIMES,
        floor_s=0.1,
        hint="a Python loop over pairs of points is far slower than broadcasting or x @ y.T.",
    )
    reply = timed_call(student, budget, options, *args)
    expect_tensor(reply.value, shape=(500, 500), what="pairwise_sq_dists(500x8, 500x8)")
    expect_within_budget(
        reply, budget, student=student, again=lambda: timed_call(student, budget, options, *args)
    )
