"""Perturbs x itself and never restores it (x[i] += eps ...)."""
import torch

EXERCISE = "7.2"
CATCHES = (
    "check_numerical_grad_restores_x",
    "check_numerical_grad_matches_closed_forms",
)


def numerical_grad(f, x, eps=1e-6):
    flat = x.detach().view(-1)
    grad = torch.zeros_like(flat)
    for i in range(flat.numel()):
        flat[i] += eps
        plus = f(x.detach()).item()
        flat[i] -= 2 * eps
        minus = f(x.detach()).item()
        grad[i] = (plus - minus) / (2 * eps)
        flat[i] += 2 * eps
    return grad.view(x.shape)
