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


def numerical_grad(f: Callable[[Tensor], Tensor], x: Tensor, eps: float = 1e-6) -> Tensor:
    """The central-difference gradient of the scalar ``f`` at ``x``, element by element.

    For every element i: ``(f(x + eps * e_i) - f(x - eps * e_i)) / (2 * eps)``, where ``e_i`` is 1
    at element i and 0 elsewhere. A loop over the elements is allowed here.

    Args:
        f: a function of one tensor returning a 0-dim tensor.
        x: floating-point input of any shape (use float64 for accuracy).
        eps: the step.

    Returns:
        A tensor of ``x``'s shape and dtype.

    Mutation: ``x`` must be unchanged afterwards (restore any element you perturb, or work on a
    copy). Device: checked on the CPU only. The loop reads single elements with ``.item()``,
    which needs real data: a ``meta`` tensor has none, so no device round is run.

    Example (the seed notebook's y = sum(x^3), whose gradient is 3x^2):
        >>> numerical_grad(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0], dtype=torch.float64))
        tensor([ 3., 12.], dtype=torch.float64)

    Hint: the forward difference ``(f(x + eps) - f(x)) / eps`` is off by about 3x*eps for x^3;
    the central difference is accurate to about eps^2.
    """
    # BEGIN SOLUTION
    point = x.detach().clone()
    flat = point.view(-1)
    grad = torch.zeros_like(flat)
    for i in range(flat.numel()):
        original = flat[i].item()
        flat[i] = original + eps
        plus = f(point).item()
        flat[i] = original - eps
        minus = f(point).item()
        flat[i] = original
        grad[i] = (plus - minus) / (2 * eps)
    return grad.view(x.shape)
    # END SOLUTION


def grad_check(
    f: Callable[[Tensor], Tensor],
    x: Tensor,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Return True iff autograd's gradient of ``f`` at ``x`` agrees with the numerical one.

    Agreement is gradcheck's rule, element by element:
    ``|analytic - numeric| <= atol + rtol * |numeric|``.

    Args:
        f: a scalar-valued function of one tensor.
        x: float64 input.
        eps, atol, rtol: the step and tolerances (torch.autograd.gradcheck's defaults).

    Returns:
        A plain Python ``bool``.

    Not allowed: ``torch.autograd.gradcheck`` and ``gradgradcheck``: build it from
    ``autograd_grad`` and ``numerical_grad`` above.

    Example:
        >>> grad_check(lambda x: (x ** 3).sum(), torch.rand(4, dtype=torch.float64))
        True
    """
    # BEGIN SOLUTION
    analytic = autograd_grad(f, x)
    numeric = numerical_grad(f, x, eps)
    return bool(((analytic - numeric).abs() <= atol + rtol * numeric.abs()).all())
    # END SOLUTION


def straight_through_round(x: Tensor) -> Tensor:
    """Round in the forward pass; let the gradient pass through unchanged in the backward pass.

    Args:
        x: floating-point tensor.

    Returns:
        A tensor equal to ``torch.round(x)`` whose gradient with respect to ``x`` is 1 everywhere
        (``round`` itself has gradient 0). ``out.requires_grad`` equals ``x.requires_grad``.

    Tolerance: ``x + (round(x) - x)`` can differ from ``round(x)`` in the last bit, so values and
    gradients are compared as ``torch.testing.assert_close`` does (float32: rtol 1.3e-6,
    atol 1e-5; float64: rtol 1e-7, atol 1e-7), not bit for bit.

    Device: the result is on ``x``'s device.

    Example:
        >>> x = torch.tensor([0.4, 1.6], requires_grad=True)
        >>> straight_through_round(x).sum().backward()
        >>> x.grad
        tensor([1., 1.])

    Hint: ``x + (x.round() - x).detach()``: the detached part carries the value, ``x`` the
    gradient.
    """
    # BEGIN SOLUTION
    return x + (x.round() - x).detach()
    # END SOLUTION


def sgd_step_(params: list[Tensor], lr: float) -> None:
    """One in-place gradient-descent step: ``p -= lr * p.grad``, then clear ``p.grad``.

    Args:
        params: leaf tensors that require grad; skip any whose ``.grad`` is None.
        lr: the learning rate, >= 0.

    Returns:
        None. Each parameter is updated in place: the same object, still a leaf that requires
        grad, with ``.grad`` set to None afterwards. An empty list does nothing.

    Example:
        >>> p = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> (p * p).sum().backward()
        >>> sgd_step_([p], 0.1)
        >>> p
        tensor([0.8000, 1.6000], requires_grad=True)

    Hint: without ``torch.no_grad()`` the update raises "a leaf Variable that requires grad is
    being used in an in-place operation"; ``p = p - lr * p.grad`` only rebinds a local name.
    """
    # BEGIN SOLUTION
    with torch.no_grad():
        for p in params:
            if p.grad is None:
                continue
            p -= lr * p.grad
            p.grad = None
    # END SOLUTION
