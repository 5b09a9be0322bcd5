# Your exercises: replace each `raise NotImplementedError` with your code, then run `grade`.
# (Generated from solutions/m02_views.py; instructors: edit that file and regenerate.)
"""Module 2 — Views, copies and in-place operations.

A view shares its storage with the tensor it comes from (``permute``, ``expand``, slicing,
``diagonal``); a copy owns new memory (``clone``, ``contiguous`` when a copy is needed). Functions
whose name ends in ``_`` work in place, PyTorch's convention.
"""

from __future__ import annotations

import torch
from torch import Tensor


def to_channels_first(x: Tensor, *, contiguous: bool = False) -> Tensor:
    """Reorder a batch of images from (B, H, W, C) to (B, C, H, W).

    Args:
        x: (B, H, W, C) tensor.
        contiguous: False: return a view that shares ``x``'s memory (no copy). True: return a
            contiguous copy in new memory, even when a view would already be contiguous.

    Returns:
        (B, C, H, W) tensor with ``out[b, c, h, w] == x[b, h, w, c]``.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Example:
        >>> to_channels_first(torch.zeros(2, 256, 256, 3)).shape
        torch.Size([2, 3, 256, 256])

    Hint: ``permute`` gives a view; ``.contiguous()`` returns ``self`` when nothing needs copying,
    so ask for a copy with ``.clone(memory_format=torch.contiguous_format)``.
    """
    raise NotImplementedError


def zero_diagonal(x: Tensor) -> Tensor:
    """Return a copy of ``x`` with the main diagonal of every matrix set to 0.

    Args:
        x: (..., N, N) tensor: one or more square matrices.

    Returns:
        A new tensor of ``x``'s shape and dtype (integer and float16 too); ``x`` itself stays
        unchanged. Every diagonal entry becomes exactly 0, even an inf or a nan; every other
        entry is kept as it was.

    Raises:
        ValueError: if ``x`` has fewer than 2 dimensions or its last two sizes differ.

    Device: the result is on ``x``'s device.

    Example:
        >>> zero_diagonal(torch.ones(2, 2))
        tensor([[0., 1.],
                [1., 0.]])

    Hint: ``fill_diagonal_`` only works on 2-D tensors and changes its input;
    ``x.clone().diagonal(dim1=-2, dim2=-1)`` is a view of every diagonal of the copy.
    """
    raise NotImplementedError


def zero_diagonal_(x: Tensor) -> Tensor:
    """Set the main diagonal of every matrix in ``x`` to 0, in place, and return ``x``.

    Args:
        x: (..., N, N) tensor, changed in place.

    Returns:
        ``x`` itself (the same object), its diagonals now 0.

    Raises:
        ValueError: if ``x`` has fewer than 2 dimensions or its last two sizes differ.

    Example:
        >>> x = torch.ones(2, 2)
        >>> zero_diagonal_(x) is x
        True
    """
    raise NotImplementedError


def broadcast_view(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Broadcast ``x`` to ``shape`` without allocating memory.

    Args:
        x: tensor broadcastable to ``shape`` (right-aligned sizes equal, or 1 in ``x``).
        shape: the target shape; it may add leading dimensions.

    Returns:
        A view of ``x`` with shape ``shape``: it shares ``x``'s storage, and every broadcast
        dimension has stride 0.

    Raises:
        RuntimeError or ValueError: when ``x`` cannot be broadcast to ``shape``.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Example:
        >>> broadcast_view(torch.tensor([[1], [2], [3]]), (3, 4)).stride()
        (1, 0)

    Note: use ``expand``, not ``repeat`` (which copies). Writing into an expanded view writes the
    same memory many times: ``.clone()`` it first if you need to write.
    """
    raise NotImplementedError
