"""Accumulates the gradient in a float32 tensor (torch.zeros(shape))."""
import torch

EXERCISE = "7.2"
CATCHES = (
    "check_numerical_grad_central_difference_on_the_seed",
    "check_numerical_grad_matches_closed_forms",
    "check_numerical_grad_multi_dimensional_input",
    "check_numerical_grad_restores_x",
)


def numerical_grad(f, x, eps=1e-6):
    point = x.detach().clone()
    flat = point.view(-1)
    grad = torch.zeros(flat.shape)
    for i in range(flat.numel()):
        original = flat[i].item()
        flat[i] = original + eps
        plus = f(point).item()
        flat[i] = original - eps
        minus = f(point).item()
        flat[i] = original
        grad[i] = (plus - minus) / (2 * eps)
    return grad.view(x.shape)
