"""Forgets torch.enable_grad(): fails when called inside torch.no_grad()."""
import torch

EXERCISE = "7.1"
CATCHES = ("check_autograd_grad_works_inside_no_grad",)


def autograd_grad(f, x):
    leaf = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(leaf), leaf)
    return grad
