"""Scales the input in place (x.mul_(255)) before rounding."""
import torch

EXERCISE = "6.3"
CATCHES = ("check_to_uint8_image_leaves_input_unchanged",)


def to_uint8_image(x):
    return torch.round(x.mul_(255)).clamp(0, 255).to(torch.uint8)
