"""Rounds and casts without clamping: out-of-range values wrap around."""
import torch

EXERCISE = "6.3"
CATCHES = ("check_to_uint8_image_clamps_instead_of_wrapping",)


def to_uint8_image(x):
    return torch.round(x * 255).to(torch.uint8)
