"""Ignores the device argument (always builds on the CPU)."""
import torch

EXERCISE = "1.1"
CATCHES = ("check_linspace_honours_the_device_argument",)


def linspace_like_numpy(start, stop, num, *, device=None):
    return torch.linspace(start, stop, num, dtype=torch.float64)
