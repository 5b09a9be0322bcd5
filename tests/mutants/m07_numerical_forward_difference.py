"""Uses the forward difference (f(x + eps) - f(x)) / eps: off by about 3x*eps for x^3."""
import torch

EXERCISE = "7.2"
CATCHES = (
    "check_numerical_grad_central_difference_on_the_seed",
    "check_numerical_grad_multi_dimensional_input",
    "check_numerical_grad_matches_closed_forms",
    "check_numerical_grad_restores_x",
)


def numerical_grad(f, x, eps=1e-6):
    point = x.detach().clone()
    flat = point.view(-1)
    grad = torch.zeros_like(flat)
    base = f(point).item()
    for i in range(flat.numel()):
        original = flat[i].item()
        flat[i] = original + eps
        grad[i] = (f(point).item() - base) / eps
        flat[i] = original
    return grad.view(x.shape)
