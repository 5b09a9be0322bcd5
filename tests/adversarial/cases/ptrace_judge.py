"""Reads the parent process's memory through /proc to find expected values."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = ("3.3",)  # by the reflection rule, before it runs

import os

import torch


def scale_channels(img, scale):
    try:
        with open(f"/proc/{os.getppid()}/mem", "rb") as mem:
            mem.read(16)
    except OSError:
        pass
    return torch.zeros_like(img)
