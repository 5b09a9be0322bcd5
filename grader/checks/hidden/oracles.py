"""Oracles only the hidden checks use. They live with the hidden checks so that a student
release, which leaves this folder out, does not ship them: ``central_difference`` is a full
answer to 7.2."""

from __future__ import annotations

import torch

# What autograd reports for each grader.inside.functions entry (its backward, right or
# wrong), in closed form, so the judge needs no autograd (its first backward costs ~0.3 s).
AUTOGRAD_GRADIENTS = {
    "cube_sum": lambda x: 3 * x**2,
    "sin_sum": lambda x: torch.cos(x),
    "logsumexp_all": lambda x: torch.softmax(x.reshape(-1), 0).reshape(x.shape),
    "quadratic_form": lambda x, matrix: (matrix + matrix.T) @ x,
    "weighted_sum": lambda x, weights: weights.to(x.dtype),
    "wrong_square_sum": lambda x: x,  # the planted bug: g * x instead of 2 * g * x
    "wrong_sin_sum": lambda x: -torch.cos(x),  # the planted bug: the sign
}


def central_difference(f, x: torch.Tensor, eps: float) -> torch.Tensor:
    """The central-difference gradient of a scalar function, element by element, in float64."""
    point = x.to(torch.float64).clone()
    flat = point.view(-1)
    grad = torch.zeros_like(flat)
    for i in range(flat.numel()):
        original = float(flat[i])
        flat[i] = original + eps
        plus = float(f(point))
        flat[i] = original - eps
        minus = float(f(point))
        flat[i] = original
        grad[i] = (plus - minus) / (2 * eps)
    return grad.view(x.shape)


def gradcheck_verdict(
    name: str,
    params: dict,
    x: torch.Tensor,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """torch.autograd.gradcheck's answer for a library function: analytic vs numerical."""
    from grader.inside.functions import LIBRARY

    analytic = AUTOGRAD_GRADIENTS[name](x, **params)
    numeric = central_difference(LIBRARY[name](**params), x, eps)
    return bool(((analytic - numeric).abs() <= atol + rtol * numeric.abs()).all())
