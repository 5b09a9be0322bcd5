"""Visible checks for module 7: autograd."""

from __future__ import annotations

import torch

from grader.checks import check
from grader.checks.expect import (
    call_on_device,
    expect_close,
    expect_input_unchanged,
    expect_tensor,
)
from grader.checks.inputs import fill, on
from grader.outcomes import CheckFailed
from grader.runner import FunctionArg

CUBE_SUM = FunctionArg("cube_sum")


def expect_detached(out, *, what: str) -> None:
    """Fail if the returned gradient still carries a graph."""
    if out.facts.get("requires_grad") or out.facts.get("grad_fn"):
        raise CheckFailed(
            f"{what} is still attached to the autograd graph "
            f"(requires_grad=True); return grad.detach()."
        )


@check("7.1", kind="gradient", points=1)
def check_autograd_grad_seed_example_is_3x_squared(student, gen):
    """The seed example: the gradient of sum(x**3) is 3x**2"""
    for dtype in (torch.float32, torch.float64):
        x = fill((5,), gen, dtype)
        out = student(CUBE_SUM, x)
        expect_close(
            out,
            3 * x**2,
            what=f"autograd_grad(sum(x**3), {dtype} x)",
            hint="use torch.autograd.grad(f(leaf), leaf) on a leaf that requires grad.",
        )


@check("7.1", kind="autograd", points=0.5)
def check_autograd_grad_has_no_side_effects(student, gen):
    """x keeps its values and requires_grad, x.grad stays None, the result is detached"""
    for requires_grad in (False, True):
        x = fill((2, 3), gen, torch.float64)
        reply = student.call(CUBE_SUM, on("cpu", x, requires_grad=requires_grad))
        what = f"autograd_grad(f, x) with x.requires_grad={requires_grad}"
        out = expect_tensor(reply.value, shape=(2, 3), dtype=torch.float64, what=what)
        expect_close(out, 3 * x**2, what=what)
        expect_detached(out, what=what)
        expect_input_unchanged(reply, 1, x, name="x")
        after = reply.inputs_after[1]
        if after is not None and after.requires_grad != requires_grad:
            raise CheckFailed(
                f"{what}: your function changed x.requires_grad to "
                f"{after.requires_grad}. Work on x.detach().requires_grad_()."
            )
        if after is not None and after.grad is not None:
            raise CheckFailed(
                f"{what}: x.grad was set. backward() writes .grad; use "
                "torch.autograd.grad, which returns the gradient instead."
            )


@check("7.1", kind="autograd", points=0.5)
def check_autograd_grad_works_inside_no_grad(student, gen):
    """It works when called inside torch.no_grad()"""
    x = fill((4,), gen, torch.float64)
    try:
        out = student.call(CUBE_SUM, x, context="no_grad").value
    except CheckFailed as exc:
        raise CheckFailed(
            f"inside torch.no_grad(): {exc} Wrap your work in torch.enable_grad()."
        ) from None
    expect_close(
        out,
        3 * x**2,
        what="autograd_grad(sum(x**3), x) inside torch.no_grad()",
        hint="wrap the computation in `with torch.enable_grad():`.",
    )


@check("7.1", kind="device", points=0.5)
def check_autograd_grad_output_on_input_device(student, devices, gen):
    """The gradient is on x's device"""
    x = fill((3, 2), gen)
    expect_close(student(CUBE_SUM, x), 3 * x**2, what="autograd_grad(sum(x**3), x) on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, CUBE_SUM, on(device, x))
        expect_tensor(out, shape=(3, 2), dtype=torch.float32, device=device)
