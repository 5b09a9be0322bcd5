"""Module 6 — Dtypes and memory.

A tensor's bytes are ``element_size() * numel()`` when it owns its data; views can hold more
(slices) or less (expanded) storage than they show. Casting to a smaller integer type wraps
around instead of saturating.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor


class Footprint(NamedTuple):
    """Bytes a tensor shows and bytes its storage holds."""

    logical_bytes: int
    storage_bytes: int


def footprint(x: Tensor) -> Footprint:
    """Return how many bytes ``x`` shows and how many its storage holds.

    Args:
        x: any tensor, on any device (``meta`` included: no data is needed).

    Returns:
        ``Footprint(logical_bytes, storage_bytes)`` as plain ints:
        logical_bytes = ``x.element_size() * x.numel()`` (what ``np.asarray(x).nbytes`` reports);
        storage_bytes = ``x.untyped_storage().nbytes()`` (the memory actually held).

    Not allowed: ``sys.getsizeof`` (it counts the Python object, about 80 bytes, not the data).

    Example:
        >>> footprint(torch.zeros(3, 1).expand(3, 4))
        Footprint(logical_bytes=48, storage_bytes=12)
    """
    # BEGIN SOLUTION
    return Footprint(int(x.element_size() * x.numel()), int(x.untyped_storage().nbytes()))
    # END SOLUTION


def to_uint8_image(x: Tensor) -> Tensor:
    """Convert a float image in [0, 1] to uint8 in [0, 255].

    Args:
        x: (..., C) floating-point image, nominally in [0, 1]; values outside are allowed.

    Returns:
        A uint8 tensor of the same shape: ``round(255 * x)`` (round half to even, as
        ``torch.round``), clamped to [0, 255] **before** the cast.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Example:
        >>> to_uint8_image(torch.tensor([0.0, 0.5, 1.0, 1.2, -0.5]))
        tensor([  0, 128, 255, 255,   0], dtype=torch.uint8)

    Hint: a plain ``.to(torch.uint8)`` wraps around: 256.0 becomes 0, -1.0 becomes 255.
    """
    # BEGIN SOLUTION
    return torch.round(x * 255).clamp(0, 255).to(torch.uint8)
    # END SOLUTION
