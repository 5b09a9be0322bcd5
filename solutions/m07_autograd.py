"""Module 7 — Autograd."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor


def autograd_grad(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Return the gradient of the scalar ``f(x)`` with respect to ``x``, using autograd.

    Args:
        f: a function of one tensor returning a 0-dim tensor.
        x: floating-point input of any shape.

    Returns:
        A tensor of ``x``'s shape and dtype: d f(x) / dx, detached (no ``grad_fn``).

    Side effects: none. ``x.requires_grad`` stays as it was, ``x.grad`` stays None and ``x``'s
    values are unchanged. It must also work when called inside ``torch.no_grad()``.
    Device: the result is on ``x``'s device.

    Example (the seed notebook: y = sum(x^3), dy/dx = 3x^2):
        >>> autograd_grad(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]))
        tensor([ 3., 12.])

    Hint: work on ``x.detach().requires_grad_()`` inside ``torch.enable_grad()``, and use
    ``torch.autograd.grad`` rather than ``backward()`` (which writes ``.grad``).
    """
    # BEGIN SOLUTION
    with torch.enable_grad():
        leaf = x.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(f(leaf), leaf)
    return grad.detach()
    # END SOLUTION
