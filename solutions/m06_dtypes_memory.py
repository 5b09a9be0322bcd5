"""Module 6 — Dtypes and memory.

A tensor's bytes are ``element_size() * numel()`` when it owns its data; views can hold more
(slices) or less (expanded) storage than they show. Casting to a smaller integer type wraps
around instead of saturating.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor


def promote_types(a: torch.dtype, b: torch.dtype) -> torch.dtype:
    """Return the dtype PyTorch promotes ``a`` and ``b`` to, by implementing the rule yourself.

    For bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32 and float64:

    - the higher category wins: bool < integers < floating point (int64 with float16 gives
      float16);
    - within integers the larger size wins, but uint8 with a signed type needs a signed type
      that holds 0..255 (uint8 with int8 gives int16);
    - within floats the larger size wins, and float16 with bfloat16 gives float32.

    Args:
        a, b: two of the dtypes above.

    Returns:
        The promoted ``torch.dtype``; ``promote_types(a, b) == promote_types(b, a)``.

    Not allowed: any call of a torch function (``torch.promote_types``, ``torch.result_type``,
    creating tensors to try it). Dtype constants and their attributes (``is_floating_point``,
    ``itemsize``, ``is_signed``) are fine.

    Example:
        >>> promote_types(torch.uint8, torch.int8)
        torch.int16

    Teaching note: with mixed operands torch ranks dimensioned tensors above 0-dim tensors above
    Python scalars: float16 tensor + float64 0-dim tensor gives float16, and int32 tensor + 2.5
    gives float32, where NumPy gives float64 for both.
    """
    # BEGIN SOLUTION
    if a == b:
        return a

    def category(d: torch.dtype) -> int:
        if d == torch.bool:
            return 0
        return 2 if d.is_floating_point else 1

    if category(a) != category(b):
        return a if category(a) > category(b) else b
    if category(a) == 2:
        if {a, b} == {torch.float16, torch.bfloat16}:
            return torch.float32
        return a if a.itemsize > b.itemsize else b
    if a == torch.uint8 or b == torch.uint8:
        signed = b if a == torch.uint8 else a
        return torch.int16 if signed.itemsize < 2 else signed
    return a if a.itemsize > b.itemsize else b
    # END SOLUTION


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

    Device: works for a tensor on any device, ``meta`` included (it reads no data).

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
        ``torch.round``), clamped to [0, 255] **before** the cast. The product may be computed
        in ``x``'s dtype or in float64: where ``255 * x`` is within rounding of a .5 tie (as
        ``float32(0.5 / 255)`` is), either rounding is accepted.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Example:
        >>> to_uint8_image(torch.tensor([0.0, 0.5, 1.0, 1.2, -0.5]))
        tensor([  0, 128, 255, 255,   0], dtype=torch.uint8)

    Hint: a plain ``.to(torch.uint8)`` wraps around: 256.0 becomes 0, -1.0 becomes 255.
    """
    # BEGIN SOLUTION
    return torch.round(x * 255).clamp(0, 255).to(torch.uint8)
    # END SOLUTION
