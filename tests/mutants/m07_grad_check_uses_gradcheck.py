"""Calls torch.autograd.gradcheck, which the exercise bans."""
import torch

EXERCISE = "7.3"
CATCHES = ("check_grad_check_without_gradcheck",)


def grad_check(f, x, *, eps=1e-6, atol=1e-5, rtol=1e-3):
    leaf = x.detach().clone().requires_grad_(True)
    return bool(torch.autograd.gradcheck(f, (leaf,), eps=eps, atol=atol, rtol=rtol,
                                         raise_exception=False))
