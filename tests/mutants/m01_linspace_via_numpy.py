"""Takes the NumPy route the exercise closes: from_numpy(np.linspace(...))."""
import numpy as np
import torch

EXERCISE = "1.1"
CATCHES = ("check_linspace_uses_torch_not_numpy",)


def linspace_like_numpy(start, stop, num, *, device=None):
    return torch.from_numpy(np.linspace(start, stop, num)).to(device or "cpu")
