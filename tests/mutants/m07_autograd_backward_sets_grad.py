"""Calls backward() on x itself: sets x.grad and flips x.requires_grad."""
import torch

EXERCISE = "7.1"
CATCHES = ("check_autograd_grad_has_no_side_effects",)


def autograd_grad(f, x):
    with torch.enable_grad():
        x.requires_grad_(True)
        x.grad = None
        f(x).backward()
    return x.grad.detach().clone()
