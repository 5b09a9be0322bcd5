"""Hidden checks for module 7: functions whose closed-form gradients the student never sees."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    FunctionArg,
    check,
    expect_close,
    expect_equal,
    fill,
    on,
)
from grader.checks.hidden.oracles import gradcheck_verdict


@check("7.1", kind="gradient", points=1.5)
def check_autograd_grad_matches_closed_forms(student, gen):
    """sin, logsumexp, a quadratic form and a weighted sum match their closed-form gradients"""
    n = int(torch.randint(2, 7, (1,), generator=gen))
    x = fill((n,), gen, torch.float64)
    a = fill((n, n), gen, torch.float64)
    w = fill((n,), gen, torch.float64)
    cases = [
        ("sum(sin x)", FunctionArg("sin_sum"), torch.cos(x)),
        ("logsumexp(x)", FunctionArg("logsumexp_all"), torch.softmax(x, dim=0)),
        ("x @ A @ x", FunctionArg("quadratic_form", {"matrix": a}), (a + a.T) @ x),
        ("sum(x * w)", FunctionArg("weighted_sum", {"weights": w}), w),
    ]
    for name, fn, expected in cases:
        expect_close(
            student(fn, x), expected, rtol=1e-7, atol=1e-9, what=f"autograd_grad({name}, x)"
        )


@check("7.2", kind="values", points=1)
def check_numerical_grad_matches_closed_forms(student, gen):
    """A quadratic form and logsumexp match their analytic gradients at eps=1e-4"""
    n = int(torch.randint(2, 6, (1,), generator=gen))
    x = fill((n,), gen, torch.float64)
    a = fill((n, n), gen, torch.float64)
    cases = [
        ("x @ A @ x", FunctionArg("quadratic_form", {"matrix": a}), (a + a.T) @ x),
        ("logsumexp(x)", FunctionArg("logsumexp_all"), torch.softmax(x, dim=0)),
    ]
    for name, fn, expected in cases:
        expect_close(
            student(fn, x, eps=1e-4), expected, rtol=0, atol=1e-6, what=f"numerical_grad({name}, x)"
        )


@check("7.3", kind="values", points=1)
def check_grad_check_rejects_a_wrong_backward(student, gen):
    """A custom autograd.Function with a wrong backward gives False"""
    for name in ("wrong_square_sum", "wrong_sin_sum"):
        x = fill((4,), gen, torch.float64, low=0.5, high=2)
        oracle = gradcheck_verdict(name, {}, x)
        expect_equal(student(FunctionArg(name), x), oracle, what="grad_check(hidden f, x)")


@check("7.3", kind="values", points=0.5)
def check_grad_check_random_inputs(student, gen):
    """Random inputs and functions: the same verdict as torch.autograd.gradcheck"""
    for name in ("quadratic_form", "cube_sum", "wrong_square_sum", "logsumexp_all"):
        n = int(torch.randint(2, 6, (1,), generator=gen))
        x = fill((n,), gen, torch.float64, low=0.5, high=2)
        params = {"matrix": fill((n, n), gen, torch.float64)} if name == "quadratic_form" else {}
        oracle = gradcheck_verdict(name, params, x)
        expect_equal(student(FunctionArg(name, params), x), oracle, what="grad_check(hidden f, x)")


@check("7.4", kind="gradient", points=0.5)
def check_straight_through_round_random_shapes(student, gen):
    """Random shapes: forward is round(x) and the gradient passes through as ones"""
    for shape in ((1,), (3, 4), (2, 2, 2)):
        x = fill(shape, gen, torch.float64, low=-5, high=5)
        grad_out = fill(shape, gen, torch.float64)
        reply = student.call_backward((on("cpu", x, requires_grad=True),), grad_out)
        expect_close(reply.value, torch.round(x), what=f"straight_through_round(x {shape})")
        after = reply.inputs_after[0]
        if after is None or after.grad is None:
            raise CheckFailed("no gradient reached x.")
        expect_close(after.grad, grad_out, what=f"the gradient through x {shape}")


@check("7.5", kind="values", points=1.5)
def check_sgd_step_random_parameters(student, gen):
    """Random parameter lists and learning rates (0 included)"""
    from grader.checks.m07_autograd import expect_sgd_step, sgd_case

    for lr in (0.0, 0.01, 1.5):
        count = int(torch.randint(1, 4, (1,), generator=gen))
        shapes = [
            tuple(int(s) for s in torch.randint(1, 4, (2,), generator=gen)) for _ in range(count)
        ]
        args, expected = sgd_case(gen, shapes, lr)
        reply = student.call_probing_backward(args, lr)
        expect_sgd_step(reply, expected, what=f"sgd_step_(params, {lr})")
