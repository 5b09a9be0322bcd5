"""Module 5 — Indexing: argmax, gather, one-hot, masks."""

from __future__ import annotations

import torch
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
    # BEGIN SOLUTION
    confidence, labels = logits.max(dim=-1)
    return labels, confidence
    # END SOLUTION


def one_hot(labels: Tensor, num_classes: int, *, dtype: torch.dtype = torch.float32) -> Tensor:
    """One-hot encode integer class labels.

    Args:
        labels: int64 tensor of any shape (0-dim included) with values in [0, num_classes).
        num_classes: K, the number of classes.
        dtype: the result's dtype.

    Returns:
        A tensor of shape ``labels.shape + (K,)`` and dtype ``dtype``: 1 at each label's index,
        0 elsewhere. No range check is needed (it would need the data: see the device rule).

    Device and mutation: the result is on ``labels``'s device; ``labels`` stays unchanged.

    Not allowed: ``torch.nn.functional.one_hot``.

    Example:
        >>> one_hot(torch.tensor([2, 0]), 3)
        tensor([[0., 0., 1.],
                [1., 0., 0.]])

    Hint: compare ``labels[..., None]`` with ``torch.arange(K, device=labels.device)``.
    """
    # BEGIN SOLUTION
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[..., None] == classes).to(dtype)
    # END SOLUTION


def nll_loss(log_probs: Tensor, targets: Tensor) -> Tensor:
    """The mean negative log-likelihood of the target classes.

    Args:
        log_probs: (N, K) log-probabilities.
        targets: (N,) int64 class indices in [0, K).

    Returns:
        A 0-dim tensor: ``mean_i(-log_probs[i, targets[i]])``, differentiable in ``log_probs``.

    Device and mutation: the result is on ``log_probs``'s device; inputs stay unchanged.

    Not allowed: Python loops; ``torch.nn.functional.nll_loss`` and ``cross_entropy``.

    Time budget: on 10^6 rows of 5 classes, at most 100x the CPU time of one pass over
    ``log_probs`` (``log_probs.sum()``) + 250 ms of CPU time, measured by the grader from outside
    your process.

    Example:
        >>> nll_loss(torch.log(torch.tensor([[0.5, 0.5], [0.1, 0.9]])), torch.tensor([0, 1]))
        tensor(0.3993)

    Hint: ``log_probs.gather(1, targets[:, None])`` picks one entry per row; so does
    ``log_probs[torch.arange(N), targets]``.
    """
    # BEGIN SOLUTION
    picked = log_probs.gather(1, targets[:, None]).squeeze(1)
    return -picked.mean()
    # END SOLUTION


def sequence_mask(lengths: Tensor, max_len: int) -> Tensor:
    """A boolean mask of valid positions for sequences of the given lengths.

    Args:
        lengths: (B,) int64 lengths, each in [0, max_len].
        max_len: T, the padded length.

    Returns:
        (B, T) bool tensor with ``mask[b, t] = t < lengths[b]``.

    Device and mutation: the result is on ``lengths``'s device; ``lengths`` stays unchanged.

    Not allowed: Python loops.

    Example:
        >>> sequence_mask(torch.tensor([1, 3, 0]), 4)
        tensor([[ True, False, False, False],
                [ True,  True,  True, False],
                [False, False, False, False]])
    """
    # BEGIN SOLUTION
    positions = torch.arange(max_len, device=lengths.device)
    return positions[None, :] < lengths[:, None]
    # END SOLUTION


def masked_mean(x: Tensor, mask: Tensor) -> Tensor:
    """The mean of each row of ``x`` over the positions where ``mask`` is True.

    Args:
        x: (B, T) floating-point values.
        mask: (B, T) bool, True where a value counts.

    Returns:
        (B,) tensor of ``x``'s dtype, float16 and bfloat16 included (count in that dtype too).
        A row with no True entry gives 0, not nan. Gradients are 0 where ``mask`` is False and
        never nan.

    Device and mutation: the result is on ``x``'s device; inputs stay unchanged.

    Not allowed: boolean indexing (``x[mask]`` flattens away the rows, and fails on ``meta``).

    Example:
        >>> masked_mean(torch.tensor([[1.0, 2.0, 9.0], [5.0, 5.0, 5.0]]),
        ...             torch.tensor([[True, True, False], [False, False, False]]))
        tensor([1.5000, 0.0000])

    Hint: ``torch.where(count > 0, total / count, 0)`` is right forwards but gives nan gradients
    on empty rows: divide by ``count.clamp(min=1)`` instead.
    """
    # BEGIN SOLUTION
    weights = mask.to(x.dtype)
    total = (x * weights).sum(dim=1)
    count = weights.sum(dim=1)
    return total / count.clamp(min=1)
    # END SOLUTION
