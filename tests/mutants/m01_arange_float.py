"""Builds a float range (arange(n, dtype=float32)) instead of int64."""
import math

import torch

EXERCISE = "1.2"
CATCHES = (
    "check_arange_reshape_seed_example",
    "check_arange_reshape_random_shapes",
    "check_arange_reshape_honours_the_device_argument",
)


def arange_reshape(shape, *, device=None):
    return torch.arange(math.prod(shape), dtype=torch.float32, device=device).reshape(shape)
