"""Slow, obviously-correct reference computations (loops and float64) used by the judge.

Never the vectorised solutions: ``solutions/`` is not needed at grading time.
"""

from __future__ import annotations

import itertools

import torch


def scale_channels_loop(img: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Element by element: out[h, w, c] = img[h, w, c] * scale[c], in the promoted dtype."""
    dtype = torch.result_type(img, scale)
    out = torch.empty(img.shape, dtype=torch.float64)
    for h, w, c in itertools.product(*(range(s) for s in img.shape)):
        out[h, w, c] = float(img[h, w, c]) * float(scale[c])
    return out.to(dtype)


def scale_batch_channels_loop(imgs: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    """Element by element: out[b, h, w, c] = imgs[b, h, w, c] * scales[b, c]."""
    dtype = torch.result_type(imgs, scales)
    out = torch.empty(imgs.shape, dtype=torch.float64)
    for b, h, w, c in itertools.product(*(range(s) for s in imgs.shape)):
        out[b, h, w, c] = float(imgs[b, h, w, c]) * float(scales[b, c])
    return out.to(dtype)


def argmax_loop(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per pixel, scan the classes; the first of equal maxima wins."""
    lead = logits.shape[:-1]
    labels = torch.empty(lead, dtype=torch.int64)
    conf = torch.empty(lead, dtype=logits.dtype)
    for idx in itertools.product(*(range(s) for s in lead)):
        row = logits[idx].tolist()
        best = 0
        for k, v in enumerate(row):
            if v > row[best]:
                best = k
        labels[idx] = best
        conf[idx] = row[best]
    return labels, conf


def mean64(x: torch.Tensor, dim: int | tuple[int, ...]) -> torch.Tensor:
    """The mean in float64, cast back to ``x``'s dtype."""
    return x.to(torch.float64).mean(dim=dim).to(x.dtype)


def center_columns64(x: torch.Tensor) -> torch.Tensor:
    """Column-centred x computed in float64, cast back to x's dtype."""
    x64 = x.to(torch.float64)
    return (x64 - x64.mean(dim=0)).to(x.dtype)


def pairwise_sq_dists_loop(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Pair by pair, in float64: out[i, j] = sum_k (x[i, k] - y[j, k])**2."""
    x64, y64 = x.to(torch.float64), y.to(torch.float64)
    out = torch.empty(x.shape[0], y.shape[0], dtype=torch.float64)
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = ((x64[i] - y64[j]) ** 2).sum()
    return out.to(x.dtype)


def sequence_mask_loop(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """Position by position: mask[b, t] = t < lengths[b]."""
    out = torch.zeros(lengths.shape[0], max_len, dtype=torch.bool)
    for b, length in enumerate(lengths.tolist()):
        for t in range(max_len):
            out[b, t] = t < length
    return out


def masked_mean_loop(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Row by row in float64; an empty row gives 0."""
    out = torch.zeros(x.shape[0], dtype=torch.float64)
    for b in range(x.shape[0]):
        picked = [float(v) for v, m in zip(x[b].tolist(), mask[b].tolist()) if m]
        out[b] = sum(picked) / len(picked) if picked else 0.0
    return out.to(x.dtype)


def softmax_backward(x: torch.Tensor, weights: torch.Tensor, dim: int) -> torch.Tensor:
    """The gradient of sum(weights * softmax(x, dim)) with respect to x."""
    s = torch.softmax(x, dim=dim)
    return s * (weights - (weights * s).sum(dim=dim, keepdim=True))
