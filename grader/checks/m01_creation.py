"""Visible checks for module 1: creating tensors."""

from __future__ import annotations

import numpy as np
import torch

from grader.checks.api import (
    CheckFailed,
    call_on_device,
    check,
    expect_close,
    expect_raises,
    expect_tensor,
    fill,
    on,
)


def _linspace_seed_example(student) -> None:
    out = student(0.0, 1.0, 5)
    expect_close(
        out,
        torch.from_numpy(np.linspace(0.0, 1.0, 5)),
        rtol=1e-12,
        atol=1e-12,
        what="linspace_like_numpy(0.0, 1.0, 5)",
        hint="torch.linspace gives float32 unless you pass dtype=torch.float64.",
    )


@check("1.1", kind="values", points=0.5)
def check_linspace_seed_example_matches_numpy(student):
    """linspace_like_numpy(0, 1, 5) equals np.linspace(0, 1, 5), float64 included"""
    _linspace_seed_example(student)


@check("1.1", kind="dtype", points=0.5)
def check_linspace_is_float64_like_numpy(student):
    """The result is float64, NumPy's dtype, for any range"""
    for start, stop, num in [(-3.0, 7.5, 11), (2.0, -2.0, 4)]:
        expect_close(
            student(start, stop, num),
            torch.from_numpy(np.linspace(start, stop, num)),
            rtol=1e-12,
            atol=1e-12 * max(abs(start), abs(stop)),
            what=f"linspace_like_numpy({start}, {stop}, {num})",
            hint="pass dtype=torch.float64 to torch.linspace.",
        )


@check("1.1", kind="device", points=0.5)
def check_linspace_honours_the_device_argument(student, devices):
    """The device argument is honoured"""
    expect_close(
        student(-1.0, 1.0, 7),
        torch.from_numpy(np.linspace(-1.0, 1.0, 7)),
        rtol=1e-12,
        atol=1e-12,
        what="linspace_like_numpy(-1, 1, 7)",
    )
    for device in devices.device_round:
        out = call_on_device(student, device, -1.0, 1.0, 7, device=device)
        expect_tensor(
            out,
            shape=(7,),
            dtype=torch.float64,
            device=device,
            what=f"linspace_like_numpy(-1, 1, 7, device='{device}')",
        )


@check("1.1", kind="rules", points=0.5)
def check_linspace_uses_torch_not_numpy(student):
    """Solves the seed example without calling NumPy"""
    _linspace_seed_example(student)
    student.expect_no_banned(
        banned_modules=("numpy",),
        why="Build the values with torch (torch.linspace), not np.linspace + from_numpy.",
    )


@check("1.2", kind="values", points=0.5)
def check_arange_reshape_seed_example(student):
    """arange_reshape((3, 4, 4)) is arange(48) laid out row-major, int64 and contiguous"""
    out = student((3, 4, 4))
    expect_close(
        out,
        torch.arange(48, dtype=torch.int64).reshape(3, 4, 4),
        what="arange_reshape((3, 4, 4))",
        hint="torch.arange gives int64 for integer arguments; then .reshape(shape).",
    )
    if not out.facts.get("contiguous"):
        raise CheckFailed("arange_reshape((3, 4, 4)) is not contiguous: build it row-major.")


@check("1.2", kind="device", points=0.5)
def check_arange_reshape_honours_the_device_argument(student, devices):
    """The device argument is honoured"""
    expect_close(student((2, 3)), torch.arange(6).reshape(2, 3), what="arange_reshape((2, 3))")
    for device in devices.device_round:
        out = call_on_device(student, device, (2, 3), device=device)
        expect_tensor(
            out,
            shape=(2, 3),
            dtype=torch.int64,
            device=device,
            what=f"arange_reshape((2, 3), device='{device}')",
        )


def expect_array(value, t: torch.Tensor, *, what: str) -> None:
    """A NumPy array with t's shape, dtype and values."""
    from grader.checks.api import ReturnedArray

    if not isinstance(value, ReturnedArray):
        raise CheckFailed(f"expected {what} to return a NumPy array, got {type(value).__name__}.")
    want = str(t.detach().numpy().dtype)
    if value.facts.get("dtype") != want:
        raise CheckFailed(
            f"expected {what} to have NumPy dtype {want}, got {value.facts.get('dtype')}."
        )
    if tuple(value.facts.get("shape", ())) != tuple(t.shape):
        raise CheckFailed(
            f"expected {what} to have shape {tuple(t.shape)}, "
            f"got {tuple(value.facts.get('shape', ()))}."
        )
    if value.data is None or not np.array_equal(value.data, t.detach().numpy()):
        raise CheckFailed(f"{what} does not hold t's values.")


def expect_shared(reply, *, what: str) -> None:
    """Writing into the returned array must show up in the tensor."""
    if not reply.extra.get("write_through"):
        raise CheckFailed(
            f"writing into {what} did not change t: the array is a copy. Return a "
            "view of t's memory (t.detach().numpy()), not np.array(t)."
        )


def _numpy_view_probe(student, t, **kwargs):
    return student.call_with({"probe_write_through": True}, t, **kwargs)


@check("1.3", kind="view", points=0.5)
def check_numpy_view_shares_memory(student, gen):
    """The array shares t's memory: writing arr[0, 0] changes t"""
    t = fill((3, 4), gen)
    reply = _numpy_view_probe(student, t)
    expect_array(reply.value, t, what="numpy_view(t)")
    expect_shared(reply, what="numpy_view(t)")


@check("1.3", kind="dtype", points=0.5)
def check_numpy_view_maps_dtypes(student, gen):
    """float32, int64 and bool tensors give float32, int64 and bool arrays"""
    for t in (
        fill((2, 3), gen),
        torch.arange(6).reshape(2, 3),
        torch.rand(2, 3, generator=gen) > 0.5,
    ):
        expect_array(student(t), t, what=f"numpy_view({t.dtype} t)")


@check("1.3", kind="view", points=0.5)
def check_numpy_view_of_a_transposed_tensor(student, gen):
    """A non-contiguous t.T keeps its shape and strides and still shares memory"""
    from grader.checks.api import transposed

    t = fill((3, 5), gen)
    reply = _numpy_view_probe(student, transposed(t))
    expect_array(reply.value, t, what="numpy_view(t.T)")
    strides = [s * t.element_size() for s in t.T.contiguous().T.stride()]
    if list(reply.value.facts.get("strides", [])) != strides:
        raise CheckFailed(
            f"numpy_view(t.T) has strides {reply.value.facts.get('strides')} bytes, "
            f"expected {strides}: the array should view t's memory as it is."
        )
    expect_shared(reply, what="numpy_view(t.T)")


@check("1.3", kind="autograd", points=0.5)
def check_numpy_view_of_a_tensor_that_requires_grad(student, gen):
    """Works when t requires grad, and leaves t.requires_grad and t.grad_fn as they were"""
    t = fill((4,), gen)
    reply = student.call_with({"probe_write_through": True}, on("cpu", t, requires_grad=True))
    expect_array(reply.value, t, what="numpy_view(t with requires_grad=True)")
    after = reply.inputs_after[0]
    if after is None or not after.requires_grad or not after.is_leaf:
        raise CheckFailed(
            "numpy_view(t) changed t.requires_grad or t.grad_fn: detach a view "
            "instead of changing t."
        )
    expect_shared(reply, what="numpy_view(t with requires_grad=True)")


@check("1.3", kind="exception", points=0.5)
def check_numpy_view_rejects_non_cpu_tensors(student, gen):
    """A tensor that is not on the CPU (here on meta) raises ValueError"""
    t = fill((2, 2), gen)
    expect_array(student(t), t, what="numpy_view(t)")
    devices = ["meta"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        expect_raises(
            student,
            on(device, t),
            what=f"numpy_view(t on '{device}')",
            hint="Check t.device.type first.",
        )
