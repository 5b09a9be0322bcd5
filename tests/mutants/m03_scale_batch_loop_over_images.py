"""Loops over the images in Python."""
import torch

EXERCISE = "3.4"
CATCHES = ("check_scale_batch_channels_has_no_python_loops",)


def scale_batch_channels(imgs, scales):
    return torch.stack([imgs[b] * scales[b] for b in range(imgs.shape[0])])
