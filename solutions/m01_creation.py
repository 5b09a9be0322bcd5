"""Module 1 — Creating tensors and the NumPy bridge.

NumPy and torch build the same arrays with different defaults: ``np.linspace`` gives float64,
``torch.linspace`` float32; ``torch.arange`` of integers gives int64.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor


def linspace_like_numpy(
    start: float, stop: float, num: int, *, device: torch.device | str | None = None
) -> Tensor:
    """Return the torch equivalent of ``np.linspace(start, stop, num)``, with NumPy's float64.

    Args:
        start: the first value.
        stop: the last value (included, as in NumPy).
        num: how many evenly spaced values, at least 1.
        device: where to create the result; None means the default device (the CPU).

    Returns:
        A float64 tensor of shape (num,). ``num == 1`` gives ``tensor([start])``;
        ``start > stop`` counts down.

    Device: the result is on ``device``.

    Not allowed: NumPy. ``torch.from_numpy(np.linspace(...))`` is the route this exercise closes;
    build the tensor with torch.

    Example:
        >>> linspace_like_numpy(0.0, 1.0, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000], dtype=torch.float64)

    Hint: ``torch.linspace`` defaults to float32, NumPy to float64: pass ``dtype``.
    """
    # BEGIN SOLUTION
    return torch.linspace(start, stop, num, dtype=torch.float64, device=device)
    # END SOLUTION


def arange_reshape(shape: tuple[int, ...], *, device: torch.device | str | None = None) -> Tensor:
    """Return the int64 tensor 0, 1, ..., N-1 laid out row-major in ``shape``.

    Args:
        shape: the sizes of the result, 0 to 4 dimensions; N is their product.
        device: where to create the result; None means the default device (the CPU).

    Returns:
        A contiguous int64 tensor of shape ``shape``. ``shape == ()`` gives the 0-dim ``tensor(0)``.

    Device: the result is on ``device``.

    Example (the seed notebook):
        >>> arange_reshape((3, 4, 4))[1, 2]
        tensor([24, 25, 26, 27])

    Note: ``.mean()`` on the result raises ("mean(): could not infer output dtype..."):
    reductions like mean need a floating-point dtype, so call ``.float()`` first.
    """
    # BEGIN SOLUTION
    return torch.arange(math.prod(shape), device=device).reshape(shape)
    # END SOLUTION


def numpy_view(t: Tensor) -> np.ndarray:
    """Return a NumPy array that shares memory with the CPU tensor ``t``.

    Args:
        t: a tensor on the CPU, possibly non-contiguous (e.g. ``x.T``) or requiring grad.

    Returns:
        A NumPy array of ``t``'s shape, dtype (float32 -> float32, int64 -> int64, bool -> bool)
        and strides, whose memory is ``t``'s: writing ``arr[0, 0] = 123`` changes ``t`` too.

    Raises:
        ValueError: if ``t`` is not on the CPU (e.g. on ``cuda`` or ``meta``).

    Autograd: ``t.requires_grad`` and ``t.grad_fn`` stay as they were.

    Example:
        >>> t = torch.zeros(2, 3)
        >>> numpy_view(t)[0, 0] = 5
        >>> t[0, 0]
        tensor(5.)

    Hint: ``t.numpy()`` raises for a tensor that requires grad (use ``t.detach()``, a view);
    ``np.array(t)`` copies.
    """
    # BEGIN SOLUTION
    if t.device.type != "cpu":
        raise ValueError(f"numpy_view needs a CPU tensor, got one on {t.device}")
    return t.detach().numpy()
    # END SOLUTION
