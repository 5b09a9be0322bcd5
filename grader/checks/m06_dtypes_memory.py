"""Visible checks for module 6: dtypes and memory."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    TensorArg,
    call_on_device,
    check,
    expect_close,
    expect_equal,
    expect_input_unchanged,
    expect_tensor,
    fill,
    on,
)

FIELDS = ("logical_bytes", "storage_bytes")


def expect_footprint(value, logical: int, storage: int, *, what: str) -> None:
    """A Footprint(logical_bytes, storage_bytes) of plain ints with these values."""
    if not isinstance(value, tuple) or tuple(getattr(value, "_fields", ())) != FIELDS:
        raise CheckFailed(
            f"expected {what} to return Footprint(logical_bytes, storage_bytes), "
            f"got {type(value).__name__}."
        )
    expect_equal(
        value.logical_bytes, logical, what=f"{what}.logical_bytes", hint="element_size() * numel()."
    )
    expect_equal(
        value.storage_bytes,
        storage,
        what=f"{what}.storage_bytes",
        hint="untyped_storage().nbytes().",
    )


def _footprint_small(student) -> None:
    x = torch.zeros(5, 3)
    expect_footprint(student(x), 60, 60, what="footprint(torch.zeros(5, 3))")


@check("6.2", kind="values", points=0.5)
def check_footprint_contiguous_tensors_of_several_dtypes(student):
    """Contiguous tensors of 1-, 2- and 8-byte dtypes: logical == storage == numpy's nbytes"""
    for dtype, size in ((torch.uint8, 1), (torch.float16, 2), (torch.float64, 8)):
        x = torch.zeros(4, 5, dtype=dtype)
        expect_footprint(student(x), 20 * size, 20 * size, what=f"footprint({dtype} (4, 5))")


@check("6.2", kind="view", points=1)
def check_footprint_expanded_and_sliced_views(student):
    """An expanded view shows more than it stores; a slice stores more than it shows"""
    expanded = TensorArg(torch.zeros(3, 1), layout=(("expand", 3, 4),))
    expect_footprint(student(expanded), 48, 12, what="footprint((3, 1) expanded to (3, 4))")
    sliced = TensorArg(torch.zeros(10, 4), layout=(("slice", 0, 0, 10, 5),))
    expect_footprint(student(sliced), 32, 160, what="footprint(x[::5] of a (10, 4) tensor)")


@check("6.2", kind="rules", points=0.5, requires=_footprint_small)
def check_footprint_without_getsizeof(student):
    """Measures the data, not the Python object (no sys.getsizeof)"""
    student.expect_no_banned(
        banned=("sys.getsizeof",),
        banned_methods=("__sizeof__",),
        why="sys.getsizeof counts the Python object, not the tensor's data.",
    )


@check("6.2", kind="device", points=0.5, requires=_footprint_small)
def check_footprint_of_a_huge_meta_tensor(student):
    """A 10^12-element tensor on meta is measured without any data"""
    huge = TensorArg(torch.empty(10**6, 10**6, device="meta"), device="meta")
    expect_footprint(
        call_on_device(student, "meta", huge),
        4 * 10**12,
        4 * 10**12,
        what="footprint(a (10^6, 10^6) float32 tensor on meta)",
    )


def uint8_oracle(x: torch.Tensor) -> torch.Tensor:
    """Element by element: 255 x (the product in x's own dtype) rounded half to even, clamped
    to 0..255. (Python's round is half to even, like torch.round.)"""
    products = (x * 255).flatten().tolist()
    values = [min(max(round(v), 0), 255) for v in products]
    return torch.tensor(values, dtype=torch.uint8).reshape(x.shape)


def expect_uint8(out, x: torch.Tensor, *, what: str, hint: str = "") -> None:
    """to_uint8_image's result, element by element either reading the contract allows: 255 x
    rounded in x's own dtype or in float64. They differ only where 255 x lies within rounding
    of a .5 tie (float32(0.5 / 255) * 255 is exactly 0.5 in float32, not in float64)."""
    own, wide = uint8_oracle(x), uint8_oracle(x.double())
    data = getattr(out, "data", None)
    if isinstance(data, torch.Tensor) and data.shape == own.shape and data.dtype == torch.uint8:
        own = torch.where(data == wide, wide, own)  # where it matches the float64 reading
    expect_close(out, own, what=what, hint=hint)


@check("6.3", kind="values", points=0.5)
def check_to_uint8_image_in_range_values(student, gen):
    """Values in [0, 1] (and the 0.5 tie) become round(255 x)"""
    x = torch.cat([fill((20,), gen, low=0, high=1), torch.tensor([0.0, 0.5 / 255, 1.0])])
    expect_uint8(
        student(x),
        x,
        what="to_uint8_image(x in [0, 1])",
        hint="torch.round(x * 255), then .to(torch.uint8).",
    )


@check("6.3", kind="values", points=1)
def check_to_uint8_image_clamps_instead_of_wrapping(student):
    """Out-of-range values clamp to 0 and 255 instead of wrapping around"""
    x = torch.tensor([-0.5, 1.2, 1e6, 256 / 255, -1 / 255, 300.7 / 255])
    expect_uint8(
        student(x),
        x,
        what="to_uint8_image(out-of-range x)",
        hint="clamp to [0, 255] before the cast: .to(torch.uint8) wraps 256 to 0.",
    )


@check("6.3", kind="mutation", points=0.5)
def check_to_uint8_image_leaves_input_unchanged(student, gen):
    """The float image is left unchanged"""
    x = fill((4, 4, 3), gen, low=-0.2, high=1.2)
    reply = student.call(x)
    expect_uint8(reply.value, x, what="to_uint8_image(x)")
    expect_input_unchanged(reply, 0, x, name="x")


@check("6.3", kind="device", points=0.5)
def check_to_uint8_image_output_on_input_device(student, devices, gen):
    """The uint8 image is on the input's device"""
    x = fill((4, 4, 3), gen, low=0, high=1)
    expect_uint8(student(x), x, what="to_uint8_image(x) on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x))
        expect_tensor(out, shape=(4, 4, 3), dtype=torch.uint8, device=device)


SURPRISES = (
    (torch.uint8, torch.int8),
    (torch.float16, torch.bfloat16),
    (torch.int64, torch.float16),
    (torch.bool, torch.int8),
    (torch.int32, torch.float64),
)


def _promotion_surprises(student) -> None:
    for a, b in SURPRISES:
        expect_equal(
            student(a, b),
            torch.promote_types(a, b),
            what=f"promote_types({a}, {b})",
            hint="the higher category wins; uint8 with a signed int needs int16; "
            "float16 with bfloat16 gives float32.",
        )


@check("6.1", kind="values", points=1)
def check_promote_types_surprising_pairs(student):
    """The surprises: uint8+int8 is int16, float16+bfloat16 is float32, int64+float16 float16"""
    _promotion_surprises(student)


@check("6.1", kind="rules", points=1)
def check_promote_types_calls_no_torch_function(student):
    """Gets the surprising pairs right without calling any torch function"""
    _promotion_surprises(student)
    student.expect_no_banned(
        banned_call_modules=("torch", "numpy"),
        why="Only dtype constants and their attributes (itemsize, is_floating_point) are allowed.",
    )
