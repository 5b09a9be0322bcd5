"""Rounds and casts without clamping: out-of-range values wrap around."""
import torch

EXERCISE = "6.3"
CATCHES = (
    "check_to_uint8_image_clamps_instead_of_wrapping",
    "check_to_uint8_image_leaves_input_unchanged",
    "check_to_uint8_image_random_images",
)


def to_uint8_image(x):
    return torch.round(x * 255).to(torch.uint8)
