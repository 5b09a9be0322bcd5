"""Visible checks for module 1: creating tensors."""

from __future__ import annotations

import numpy as np
import torch

from grader.checks import check
from grader.checks.expect import call_on_device, expect_close, expect_tensor


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
        from grader.outcomes import CheckFailed

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
