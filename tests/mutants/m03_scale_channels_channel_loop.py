"""Loops over the channels in Python instead of broadcasting."""
import torch

EXERCISE = "3.3"
CATCHES = ("check_scale_channels_has_no_python_loops",)


def scale_channels(img, scale):
    out = torch.empty_like(img, dtype=torch.result_type(img, scale))
    for c in range(img.shape[-1]):
        out[..., c] = img[..., c] * scale[c]
    return out
