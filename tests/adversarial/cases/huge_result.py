"""Returns a 2 GiB tensor, larger than a result frame may be."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True

import torch


def linspace_like_numpy(start, stop, num):
    return torch.zeros(2**28, dtype=torch.float64)
