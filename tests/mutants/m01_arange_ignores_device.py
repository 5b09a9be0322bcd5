"""Ignores the device argument."""
import math

import torch

EXERCISE = "1.2"
CATCHES = ("check_arange_reshape_honours_the_device_argument",)


def arange_reshape(shape, *, device=None):
    return torch.arange(math.prod(shape)).reshape(shape)
