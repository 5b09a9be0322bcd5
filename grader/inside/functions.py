"""Named functions that checks pass as arguments (e.g. the ``f`` of ``autograd_grad``).

Functions never cross the process boundary: the judge names one (plus tensor parameters) and the
worker builds it from this library. Nothing here is secret; expected values stay in the judge.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Fn = Callable[[torch.Tensor], torch.Tensor]


def cube_sum() -> Fn:
    """The seed notebook's y = sum(x**3); its gradient is 3x²."""
    return lambda x: (x**3).sum()


def sin_sum() -> Fn:
    """y = sum(sin x); its gradient is cos x."""
    return lambda x: torch.sin(x).sum()


def logsumexp_all() -> Fn:
    """y = log(sum(exp x)) over every element; its gradient is softmax(x)."""
    return lambda x: torch.logsumexp(x.reshape(-1), dim=0)


def quadratic_form(matrix: torch.Tensor) -> Fn:
    """y = x·A·x for a 1-D x; its gradient is (A + Aᵀ)x."""
    return lambda x: x @ matrix.to(x.device, x.dtype) @ x


def weighted_sum(weights: torch.Tensor) -> Fn:
    """y = sum(x * w); its gradient is w."""
    return lambda x: (x * weights.to(x.device, x.dtype)).sum()


class _WrongSquare(torch.autograd.Function):
    """x**2 with a wrong backward (g * x instead of 2 * g * x), for grad_check to catch."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return grad * x


class _WrongSin(torch.autograd.Function):
    """sin with the backward of cos's derivative sign flipped (-g cos x)."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return torch.sin(x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return -grad * torch.cos(x)


def wrong_square_sum() -> Fn:
    """sum(x**2) whose custom backward is wrong by a factor of 2."""
    return lambda x: _WrongSquare.apply(x).sum()


def wrong_sin_sum() -> Fn:
    """sum(sin x) whose custom backward has the wrong sign."""
    return lambda x: _WrongSin.apply(x).sum()


TIMING_REFERENCES: dict[str, Callable[..., object]] = {
    # A vectorised O(N) pass over the input: the unit that time budgets are counted in.
    "sum": lambda x, *rest: x.sum(),
    # O(N·M·D), the cost of every pairwise distance at once.
    "matmul_t": lambda x, y, *rest: x @ y.T,
}

LIBRARY: dict[str, Callable[..., Fn]] = {
    "cube_sum": cube_sum,
    "sin_sum": sin_sum,
    "logsumexp_all": logsumexp_all,
    "quadratic_form": quadratic_form,
    "weighted_sum": weighted_sum,
    "wrong_square_sum": wrong_square_sum,
    "wrong_sin_sum": wrong_sin_sum,
}
