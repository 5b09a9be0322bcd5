"""Calls torch.promote_types, which the exercise bans."""
import torch

EXERCISE = "6.1"
CATCHES = ("check_promote_types_calls_no_torch_function",)


def promote_types(a, b):
    return torch.promote_types(a, b)
