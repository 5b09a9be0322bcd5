"""Scans every object the garbage collector knows for a tensor shaped like the answer."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import gc

import torch


def scale_channels(img, scale):
    for obj in gc.get_objects():
        if isinstance(obj, torch.Tensor) and obj is not img and obj.shape == img.shape:
            if obj.dtype == img.dtype and not torch.equal(obj, img):
                return obj.clone()
    return torch.zeros_like(img)
