"""Module 4 — Reductions and keepdim.

A reduction over ``dim`` removes that dimension (unless ``keepdim=True``). torch's ``std`` is the
sample standard deviation by default (divide by n-1); NumPy's divides by n.
"""

from __future__ import annotations

from typing import NamedTuple

import torch  # noqa: F401 (the examples and hints use it)
from torch import Tensor


class Stats(NamedTuple):
    """Summary statistics, each a 0-dim tensor."""

    mean: Tensor
    std: Tensor
    min: Tensor
    max: Tensor


def describe(x: Tensor, *, unbiased: bool = True) -> Stats:
    """Return the mean, standard deviation, minimum and maximum of all elements of ``x``.

    Args:
        x: floating-point tensor of any shape with at least 2 elements.
        unbiased: True for the sample std (divide by n-1, torch's default); False to divide by n
            (NumPy's default, ``ddof=0``).

    Returns:
        ``Stats(mean, std, min, max)``, each a 0-dim tensor of ``x``'s dtype.

    Device and mutation: results on ``x``'s device; ``x`` stays unchanged.

    Example (the seed notebook):
        >>> describe(torch.tensor([0.5, 1.0, 3.0, 4.0])).std
        tensor(1.6520)
        >>> describe(torch.tensor([0.5, 1.0, 3.0, 4.0]), unbiased=False).std
        tensor(1.4307)
    """
    # BEGIN SOLUTION
    return Stats(x.mean(), x.std(correction=1 if unbiased else 0), x.min(), x.max())
    # END SOLUTION


def image_means(x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Return three means of a batch of images: across the batch, across channels, per channel.

    Args:
        x: (B, H, W, C) floating-point batch of images.

    Returns:
        ``(batch_mean, channel_mean, per_channel)``:
        batch_mean (H, W, C), the mean image over the batch (dim 0);
        channel_mean (B, H, W), each pixel's mean over its colour channels (the last dim);
        per_channel (C,), each channel's mean over everything else.

    Device and mutation: results on ``x``'s device; ``x`` stays unchanged.

    Example (the seed notebook): for x of shape (5, 256, 256, 3) the shapes are
    (256, 256, 3), (5, 256, 256) and (3,).

    Hint: ``mean`` takes a tuple of dims: ``x.mean(dim=(0, 1, 2))``.
    """
    # BEGIN SOLUTION
    return x.mean(dim=0), x.mean(dim=-1), x.mean(dim=(0, 1, 2))
    # END SOLUTION


def stable_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Softmax along ``dim``, written by hand and safe for large inputs.

    ``softmax(x)_i = exp(x_i) / sum_j exp(x_j)`` along ``dim``. Subtract the maximum along ``dim``
    first (with ``keepdim=True``): the result is the same, and ``exp`` no longer overflows.

    Args:
        x: floating-point tensor of any shape with at least 1 dimension.
        dim: the dimension to normalise over; negative values count from the end.

    Returns:
        A tensor of ``x``'s shape and dtype whose entries along ``dim`` are positive and sum to 1.
        No nan or inf, even for inputs of +-1000. Gradients flow through it.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Not allowed: ``torch.softmax``, ``torch.nn.functional.softmax``, ``log_softmax``,
    ``Tensor.softmax``.

    Example:
        >>> stable_softmax(torch.tensor([[1000.0, 1000.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]])

    Hint: without ``keepdim=True`` the max has one dimension fewer and broadcasts wrongly.
    """
    # BEGIN SOLUTION
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
    # END SOLUTION
