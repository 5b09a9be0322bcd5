"""Visible checks for module 2: views, copies and in-place operations."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    call_on_device,
    check,
    dtype_name,
    expect_close,
    expect_input_unchanged,
    expect_raises,
    expect_shows_input_bytes,
    expect_tensor,
    expect_view_of_input,
    fill,
    on,
)


def expect_new_memory(out, *, what: str) -> None:
    """Fail if the result shares storage with argument 0."""
    if 0 in out.facts.get("shares_storage_with", []):
        raise CheckFailed(f"{what} shares the input's memory: it must be a copy in new memory.")


@check("2.1", kind="values", points=0.5)
def check_to_channels_first_small_example(student, gen):
    """A (2, 3, 4, 5) batch becomes (2, 5, 3, 4) with out[b, c, h, w] == x[b, h, w, c]"""
    x = fill((2, 3, 4, 5), gen)
    expect_close(
        student(x),
        x.permute(0, 3, 1, 2),
        what="to_channels_first(x (2, 3, 4, 5))",
        hint="permute the dims to (0, 3, 1, 2).",
    )


@check("2.1", kind="view", points=1)
def check_to_channels_first_view_or_copy(student, gen):
    """contiguous=False shares memory; contiguous=True is a contiguous copy in new memory"""
    x = fill((2, 3, 4, 5), gen)
    view = student(x)
    expect_close(view, x.permute(0, 3, 1, 2), what="to_channels_first(x)")
    expect_view_of_input(view, what="to_channels_first(x, contiguous=False)", source=x)
    copy = student(x, contiguous=True)
    expect_close(copy, x.permute(0, 3, 1, 2), what="to_channels_first(x, contiguous=True)")
    expect_new_memory(copy, what="to_channels_first(x, contiguous=True)")
    if not copy.facts.get("contiguous"):
        raise CheckFailed("to_channels_first(x, contiguous=True) is not contiguous.")
    flat = fill((1, 1, 1, 3), gen)  # permuting this is already contiguous: still copy
    expect_new_memory(
        student(flat, contiguous=True),
        what="to_channels_first(x of shape (1, 1, 1, 3), contiguous=True)",
    )


@check("2.1", kind="device", points=0.5)
def check_to_channels_first_output_on_input_device(student, devices, gen):
    """The result is on the input's device, with a permuted layout"""
    x = fill((2, 3, 4, 5), gen)
    expect_close(student(x), x.permute(0, 3, 1, 2), what="to_channels_first(x) on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x))
        expect_tensor(out, shape=(2, 5, 3, 4), device=device)
        if device == "meta" and out.facts.get("strides") != list(x.permute(0, 3, 1, 2).stride()):
            raise CheckFailed(
                "on 'meta', to_channels_first(x) does not have a permuted view's "
                "strides: return x.permute(0, 3, 1, 2)."
            )


def zero_diag_expected(x: torch.Tensor) -> torch.Tensor:
    """The diagonal zeroed, by explicit index loops over the matrices."""
    out = x.clone()
    n = x.shape[-1]
    flat = out.reshape(-1, n, n)
    for m in range(flat.shape[0]):
        for i in range(n):
            flat[m, i, i] = 0
    return flat.reshape(x.shape)


@check("2.2", kind="values", points=0.5)
def check_zero_diagonal_copies_and_leaves_input(student, gen):
    """zero_diagonal zeroes every diagonal of a batch and leaves x unchanged"""
    x = fill((2, 3, 3), gen)
    reply = student.call(x)
    expect_close(reply.value, zero_diag_expected(x), what="zero_diagonal(x (2, 3, 3))")
    expect_input_unchanged(reply, 0, x, name="x")


@check("2.2", kind="dtype", points=0.5)
def check_zero_diagonal_keeps_dtype_and_zeroes_inf_and_nan(student, gen):
    """int64 and float16 keep their dtype; an inf or nan on the diagonal becomes exactly 0"""
    ints = torch.randint(-9, 10, (2, 3, 3), generator=gen)
    halves = fill((3, 3), gen).to(torch.float16)
    odd = fill((3, 3), gen)
    odd[0, 0], odd[1, 1], odd[0, 2], odd[2, 1] = float("inf"), float("nan"), float("inf"), -1.0
    for x in (ints, halves, odd):
        what = f"zero_diagonal({dtype_name(x.dtype)} x {tuple(x.shape)})"
        out = expect_tensor(student(x), shape=tuple(x.shape), dtype=x.dtype, what=what)
        expected = zero_diag_expected(x)
        if out.data is not None and not torch.equal(
            torch.nan_to_num(out.data, nan=123.0), torch.nan_to_num(expected, nan=123.0)
        ):
            raise CheckFailed(
                f"{what} is not x with its diagonal set to 0: an inf or nan on the diagonal "
                "must become 0 (a mask multiply gives inf * 0 = nan), everything else stays."
            )


@check("2.2", kind="mutation", points=0.5)
def check_zero_diagonal_in_place_returns_x(student, gen):
    """zero_diagonal_ changes x in place and returns the same object"""
    in_place = student.other("zero_diagonal_")
    x = fill((3, 4, 4), gen)
    reply = in_place.call(x)
    out = expect_tensor(reply.value, shape=(3, 4, 4), what="zero_diagonal_(x)")
    if out.facts.get("is_arg") != 0:
        raise CheckFailed(
            "zero_diagonal_(x) must return x itself (the same object), not a new tensor."
        )
    after = reply.inputs_after[0]
    if after is None or after.value is None or after.version_delta <= 0:
        raise CheckFailed("zero_diagonal_(x) did not change x in place.")
    expect_close(after.value, zero_diag_expected(x), what="x after zero_diagonal_(x)")


@check("2.2", kind="exception", points=0.5)
def check_zero_diagonal_rejects_non_square_input(student, gen):
    """Both versions raise ValueError for non-square or 1-D input"""
    for fn in (student, student.other("zero_diagonal_")):
        for shape in ((3, 4), (5,), (2, 2, 3)):
            expect_raises(fn, fill(shape, gen), what=f"{fn.function}(x of shape {shape})")


@check("2.2", kind="device", points=0.5)
def check_zero_diagonal_output_on_input_device(student, devices, gen):
    """Both versions keep the input's device (a mask from torch.eye(N) must be on x.device)"""
    x = fill((2, 3, 3), gen)
    expect_close(student(x), zero_diag_expected(x), what="zero_diagonal(x) on cpu")
    for device in devices.device_round:
        for fn in (student, student.other("zero_diagonal_")):
            out = call_on_device(fn, device, on(device, x))
            expect_tensor(out, shape=(2, 3, 3), device=device, what=f"{fn.function}(x)")


def expect_broadcast_view(out, x: torch.Tensor, shape: tuple[int, ...], *, what: str) -> None:
    """Shape, shared storage, unchanged storage size, and stride 0 where sizes grew."""
    expect_tensor(out, shape=shape, dtype=x.dtype, what=what)
    if out.device != "meta":
        expect_view_of_input(out, what=what)
        if out.facts.get("storage_nbytes") != x.untyped_storage().nbytes():
            raise CheckFailed(f"{what} allocated new memory: use expand, not repeat.")
        if x.is_contiguous():  # the input as sent: its memory is known here
            expect_shows_input_bytes(out, x, what=what)
    strides = out.facts.get("strides", [])
    offset = len(shape) - x.dim()
    for i, size in enumerate(x.shape):
        if size == 1 and shape[offset + i] > 1 and strides[offset + i] != 0:
            raise CheckFailed(
                f"{what} has stride {strides[offset + i]} on broadcast "
                f"dimension {offset + i}: a broadcast view has stride 0 there."
            )


@check("2.3", kind="values", points=0.5)
def check_broadcast_view_small_example(student, gen):
    """A (3, 1) tensor broadcast to (2, 3, 4) has broadcast_to's values"""
    x = fill((3, 1), gen)
    expect_close(
        student(x, (2, 3, 4)),
        torch.broadcast_to(x, (2, 3, 4)),
        what="broadcast_view(x (3, 1), (2, 3, 4))",
    )


@check("2.3", kind="view", points=1)
def check_broadcast_view_allocates_nothing(student, gen):
    """The result shares x's memory, allocates nothing, and has stride 0 where it broadcasts"""
    x = fill((3, 1), gen)
    out = student(x, (3, 4))
    expect_close(out, torch.broadcast_to(x, (3, 4)), what="broadcast_view(x (3, 1), (3, 4))")
    expect_broadcast_view(out, x, (3, 4), what="broadcast_view(x (3, 1), (3, 4))")


@check("2.3", kind="exception", points=0.5)
def check_broadcast_view_rejects_incompatible_shapes(student, gen):
    """An incompatible shape raises RuntimeError or ValueError"""
    for shape, target in (((3, 2), (3, 4)), ((2,), (3,)), ((2, 1), (4,))):
        expect_raises(
            student,
            fill(shape, gen),
            target,
            kinds=("RuntimeError", "ValueError"),
            what=f"broadcast_view(x of shape {shape}, {target})",
        )


@check("2.3", kind="device", points=0.5)
def check_broadcast_view_output_on_input_device(student, devices, gen):
    """The view is on x's device, with stride 0 on broadcast dims (checked on meta too)"""
    x = fill((1, 3), gen)
    expect_close(student(x, (4, 3)), torch.broadcast_to(x, (4, 3)), what="on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x), (2, 4, 3))
        expect_tensor(out, device=device, what=f"broadcast_view on '{device}'")
        expect_broadcast_view(out, x, (2, 4, 3), what=f"broadcast_view on '{device}'")
