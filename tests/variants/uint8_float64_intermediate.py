"""6.3 computing 255 x in float64: float32(0.5 / 255) * 255 is then just above 0.5 and rounds
to 1, where the float32 product is exactly 0.5 and rounds (half to even) to 0."""

MODULE = "m06_dtypes_memory"
FULL_MARKS = ("6.3",)

import torch


def to_uint8_image(x):
    return torch.round(x.double() * 255).clamp(0, 255).to(torch.uint8)
