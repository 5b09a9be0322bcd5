"""Walks the caller's frames looking for an expected value to return."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = ("3.3",)  # by the reflection rule, before it runs

import sys

import torch


def scale_channels(img, scale):
    frame = sys._getframe(1)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if name in ("expected", "want", "oracle") and isinstance(value, torch.Tensor):
                return value
        frame = frame.f_back
    return torch.zeros_like(img)
