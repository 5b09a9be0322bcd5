# Your exercises: replace each `raise NotImplementedError` with your code, then run `grade`.
# (Generated from solutions/m05_indexing.py; instructors: edit that file and regenerate.)
"""Module 5 — Indexing: argmax, gather, one-hot, masks."""

from __future__ import annotations

from torch import Tensor


def segmentation_mask(logits: Tensor) -> tuple[Tensor, Tensor]:
    """Return each pixel's class (argmax over the last dim) and its top score.

    Args:
        logits: (..., H, W, K) scores, K classes per pixel.

    Returns:
        ``(labels, confidence)``: labels (..., H, W) int64, the index of the largest score;
        confidence (..., H, W) with ``logits``'s dtype, that largest score. On ties the lowest
        index wins.

    Device and mutation: results on ``logits``'s device; ``logits`` stays unchanged.

    Example (the seed notebook's ``torch.max(t, axis=-1)``):
        >>> segmentation_mask(torch.tensor([[[0.1, 0.7, 0.2]]]))
        (tensor([[1]]), tensor([[0.7000]]))

    Hint: ``torch.max(x, dim=...)`` returns ``(values, indices)``: note the order.
    """
    raise NotImplementedError
