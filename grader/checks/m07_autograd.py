"""Visible checks for module 7: autograd."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    FunctionArg,
    call_on_device,
    check,
    expect_close,
    expect_equal,
    expect_input_unchanged,
    expect_tensor,
    fill,
    on,
)

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


@check("7.2", kind="values", points=1)
def check_numerical_grad_central_difference_on_the_seed(student, gen):
    """sum(x**3) at eps=1e-4 matches 3x**2 within 1e-6 (a forward difference cannot)"""
    x = fill((5,), gen, torch.float64)
    expect_close(
        student(CUBE_SUM, x, eps=1e-4),
        3 * x**2,
        rtol=0,
        atol=1e-6,
        what="numerical_grad(sum(x**3), x, eps=1e-4)",
        hint="use the central difference (f(x+eps) - f(x-eps)) / (2 eps).",
    )


@check("7.2", kind="shape", points=0.5)
def check_numerical_grad_multi_dimensional_input(student, gen):
    """A (2, 3) input gives a (2, 3) float64 gradient of sum(sin x)"""
    x = fill((2, 3), gen, torch.float64)
    expect_close(
        student(FunctionArg("sin_sum"), x, eps=1e-4),
        torch.cos(x),
        rtol=0,
        atol=1e-6,
        what="numerical_grad(sum(sin x), x of shape (2, 3), eps=1e-4)",
    )


@check("7.2", kind="mutation", points=0.5)
def check_numerical_grad_restores_x(student, gen):
    """x is unchanged afterwards (every perturbed element restored)"""
    x = fill((3, 2), gen, torch.float64)
    reply = student.call(CUBE_SUM, x, eps=1e-4)
    expect_close(reply.value, 3 * x**2, rtol=0, atol=1e-6, what="numerical_grad(sum(x**3), x)")
    expect_input_unchanged(reply, 1, x, name="x")


GRADCHECK_BANNED = {
    "banned": (
        "torch.autograd.gradcheck",
        "torch.autograd.gradgradcheck",
        "torch.autograd.gradcheck.gradcheck",
    ),
    "banned_methods": ("gradcheck", "gradgradcheck"),
    "why": "Compare autograd_grad with numerical_grad yourself.",
}


def _grad_check_true_cases(student, gen) -> None:
    for name in ("cube_sum", "sin_sum"):
        x = fill((4,), gen, torch.float64)
        expect_equal(
            student(FunctionArg(name), x),
            True,
            what=f"grad_check({name}, x)",
            hint="return a plain bool: bool(...all()).",
        )


@check("7.3", kind="values", points=1)
def check_grad_check_accepts_correct_gradients(student, gen):
    """Correct autograd functions give True (a Python bool)"""
    _grad_check_true_cases(student, gen)


@check("7.3", kind="rules", points=0.5)
def check_grad_check_without_gradcheck(student, gen):
    """Accepts correct gradients without calling torch.autograd.gradcheck"""
    _grad_check_true_cases(student, gen)
    student.expect_no_banned(**GRADCHECK_BANNED)


@check("7.4", kind="values", points=0.5)
def check_straight_through_round_forward_is_round(student, gen):
    """The forward value is torch.round(x), float32 and float64"""
    for dtype in (torch.float32, torch.float64):
        x = fill((6,), gen, dtype, low=-3, high=3)
        expect_close(student(x), torch.round(x), what=f"straight_through_round({dtype} x)")


@check("7.4", kind="gradient", points=0.5)
def check_straight_through_round_gradient_is_one(student, gen):
    """The gradient of out.sum() with respect to x is all ones"""
    x = fill((2, 3), gen, torch.float64, low=-3, high=3)
    reply = student.call_backward(
        (on("cpu", x, requires_grad=True),), torch.ones(2, 3, dtype=torch.float64)
    )
    after = reply.inputs_after[0]
    if after is None or after.grad is None:
        raise CheckFailed("no gradient reached x: the result must stay connected to x.")
    expect_close(
        after.grad,
        torch.ones(2, 3, dtype=torch.float64),
        what="the gradient of straight_through_round(x).sum()",
        hint="torch.round has gradient 0: use x + (x.round() - x).detach().",
    )


@check("7.4", kind="autograd", points=0.25)
def check_straight_through_round_requires_grad_follows_x(student, gen):
    """out.requires_grad equals x.requires_grad"""
    x = fill((4,), gen, low=-2, high=2)
    for requires_grad in (False, True):
        out = student(on("cpu", x, requires_grad=requires_grad))
        expect_close(out, torch.round(x), what="straight_through_round(x)")
        if bool(out.facts.get("requires_grad")) != requires_grad:
            raise CheckFailed(
                f"with x.requires_grad={requires_grad}, the result has "
                f"requires_grad={out.facts.get('requires_grad')}."
            )


@check("7.4", kind="device", points=0.25)
def check_straight_through_round_output_on_input_device(student, devices, gen):
    """The result stays on x's device"""
    x = fill((4,), gen, low=-2, high=2)
    expect_close(student(x), torch.round(x), what="straight_through_round(x) on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x))
        expect_tensor(out, shape=(4,), device=device)


def sgd_case(gen, shapes, lr):
    """Parameters with gradients, and their expected values after one step."""
    params = [fill(s, gen, torch.float64) for s in shapes]
    grads = [fill(s, gen, torch.float64) for s in shapes]
    args = [on("cpu", p, requires_grad=True) for p in params]
    args = [type(a)(a.base, requires_grad=True, grad=g) for a, g in zip(args, grads)]
    return args, [p - lr * g for p, g in zip(params, grads)]


def expect_sgd_step(reply, expected, *, what: str) -> None:
    """Values, leaves, cleared grads, same objects and storage, and a working later backward."""
    if reply.value is not None:
        raise CheckFailed(f"{what} returned {reply.value!r}: it updates in place and returns None.")
    for j, exp in enumerate(expected):
        after = reply.elements_after.get(f"0.{j}")
        if after is None:
            raise CheckFailed(f"{what}: the grader could not read back params[{j}].")
        if not after.same_object or not after.same_storage:
            raise CheckFailed(
                f"{what}: params[{j}] was replaced by a new tensor; update it in "
                "place (p -= lr * p.grad under torch.no_grad())."
            )
        expect_close(after.value, exp, what=f"params[{j}] after {what}")
        if not after.is_leaf or after.grad_fn is not None or not after.requires_grad:
            raise CheckFailed(
                f"{what}: params[{j}] is no longer a leaf that requires grad; "
                "do the update inside torch.no_grad()."
            )
        if after.grad is not None:
            raise CheckFailed(f"{what}: params[{j}].grad was not cleared (set p.grad = None).")
        if after.backward_ok is False:
            raise CheckFailed(f"{what}: a later backward() through params[{j}] fails.")


@check("7.5", kind="values", points=1)
def check_sgd_step_updates_in_place(student, gen):
    """Two parameters are updated in place, stay leaves, and have their grads cleared"""
    args, expected = sgd_case(gen, [(3,), (2, 2)], 0.1)
    reply = student.call_probing_backward(args, 0.1)
    expect_sgd_step(reply, expected, what="sgd_step_(params, 0.1)")


@check("7.5", kind="values", points=0.5)
def check_sgd_step_skips_params_without_grad_and_empty_lists(student, gen):
    """A parameter whose grad is None is left alone; an empty list is a no-op"""
    p = fill((3,), gen, torch.float64)
    reply = student.call_probing_backward([on("cpu", p, requires_grad=True)], 0.5)
    after = reply.elements_after.get("0.0")
    if after is None:
        raise CheckFailed("the grader could not read back params[0].")
    expect_close(
        after.value,
        p,
        what="a parameter without .grad after sgd_step_",
        hint="skip parameters whose .grad is None.",
    )
    if student([], 0.1) is not None:
        raise CheckFailed("sgd_step_([], lr) must return None.")
