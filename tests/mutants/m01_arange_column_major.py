"""Lays the values out column-major (Fortran order)."""
import math

import torch

EXERCISE = "1.2"
CATCHES = (
    "check_arange_reshape_seed_example",
    "check_arange_reshape_random_shapes",
    "check_arange_reshape_honours_the_device_argument",
)


def arange_reshape(shape, *, device=None):
    n = math.prod(shape)
    out = torch.arange(n, device=device).reshape(tuple(reversed(shape)))
    return out.permute(*reversed(range(len(shape))))
