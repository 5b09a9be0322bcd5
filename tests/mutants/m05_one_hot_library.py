"""Calls F.one_hot, which the exercise bans."""
import torch
import torch.nn.functional as F

EXERCISE = "5.2"
CATCHES = ("check_one_hot_without_the_library_function",)


def one_hot(labels, num_classes, *, dtype=torch.float32):
    return F.one_hot(labels, num_classes).to(dtype)
