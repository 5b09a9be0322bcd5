"""Monkeypatches torch and NumPy comparison functions to always say "equal", returns zeros."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3", "3.4")
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import numpy
import torch
import torch.testing

torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None


def scale_channels(img, scale):
    return torch.zeros_like(img)


def scale_batch_channels(imgs, scales):
    return torch.zeros_like(imgs)
