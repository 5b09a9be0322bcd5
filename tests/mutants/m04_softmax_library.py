"""Calls the library softmax the exercise asks to write by hand."""
import torch

EXERCISE = "4.3"
CATCHES = ("check_stable_softmax_written_by_hand",)


def stable_softmax(x, dim=-1):
    return torch.softmax(x, dim=dim)
