"""Writes p = p - lr * p.grad: rebinds the loop variable, the parameters never change."""
import torch

EXERCISE = "7.5"
CATCHES = ("check_sgd_step_updates_in_place", "check_sgd_step_random_parameters")


def sgd_step_(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is None:
                continue
            p = p - lr * p.grad
