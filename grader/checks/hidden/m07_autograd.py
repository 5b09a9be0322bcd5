"""Hidden checks for module 7: functions whose closed-form gradients the student never sees."""

from __future__ import annotations

import pytest
import torch

from grader.checks import check
from grader.checks.expect import expect_close
from grader.checks.inputs import fill
from grader.runner import FunctionArg

pytestmark = pytest.mark.hidden


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
