"""Module 3 — Broadcasting.

Two shapes broadcast when, compared from the right, each pair of sizes is equal or one is 1;
missing leading sizes count as 1. Scaling an image's colour channels is the classic use.
"""

from __future__ import annotations

import torch  # noqa: F401 (the examples and hints use it)
from torch import Tensor


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """Return the shape NumPy's broadcasting rule gives for ``shapes``, computed by hand.

    The rule: right-align the shapes; two sizes are compatible when they are equal or one of
    them is 1; the result takes the larger size (a 0 with a 1 gives 0).

    Args:
        shapes: any number of shapes, each a tuple of non-negative ints.

    Returns:
        The broadcast shape as a plain ``tuple`` of ``int``. No arguments give ``()``.

    Raises:
        ValueError: when two aligned sizes differ and neither is 1.

    Not allowed: torch or NumPy (``torch.broadcast_shapes``, ``np.broadcast_shapes``, creating
    tensors to try the operation). Pure Python only.

    Example (the seed notebook):
        >>> broadcast_shapes((1, 6, 4, 1, 7, 2), (5, 6, 1, 3, 1, 2))
        (5, 6, 4, 3, 7, 2)
    """
    # BEGIN SOLUTION
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        padded = (1,) * (ndim - len(shape)) + tuple(shape)
        for i, size in enumerate(padded):
            if size == 1:
                continue
            if result[i] == 1:
                result[i] = size
            elif result[i] != size:
                raise ValueError(f"shapes {shapes} are not broadcastable at dimension {i}")
    return tuple(int(s) for s in result)
    # END SOLUTION


def center_columns(x: Tensor) -> Tensor:
    """Subtract each column's mean (the mean over dim 0) from that column.

    Args:
        x: (N, D) floating-point tensor: N rows (samples), D columns (features).

    Returns:
        (N, D) tensor of ``x``'s dtype whose columns have mean 0.

    Device and mutation: the result is on ``x``'s device; ``x`` stays unchanged.

    Example (the seed notebook's (6, 5) + (1, 5) broadcast):
        >>> x = torch.tensor([[1.0, 10.0], [3.0, 30.0]])
        >>> center_columns(x)
        tensor([[ -1., -10.],
                [  1.,  10.]])

    Hint: ``x.mean(dim=0, keepdim=True)`` has shape (1, D) and broadcasts down the rows. Beware
    ``x - x.mean(1)``: for a square x it broadcasts silently and gives wrong values.
    """
    # BEGIN SOLUTION
    return x - x.mean(dim=0, keepdim=True)
    # END SOLUTION


def scale_channels(img: Tensor, scale: Tensor) -> Tensor:
    """Multiply each colour channel of an image by its own scale.

    Args:
        img: (H, W, C) image, any real dtype (uint8 images are common).
        scale: (C,) one factor per channel.

    Returns:
        (H, W, C) tensor of dtype ``torch.result_type(img, scale)``: a uint8 image times a
        float32 scale gives float32.

    Device and mutation: the result is on ``img``'s device; ``img`` and ``scale`` stay unchanged.

    Not allowed: Python loops (no for/while/comprehensions): let broadcasting do the work.

    Time budget: on a 1024x1024x3 float32 image, at most 100x the CPU time of one pass over it
    (``img.sum()``) + 20 ms of CPU time, measured by the grader from outside your process.

    Example (the seed notebook):
        >>> img = torch.ones(256, 256, 3)
        >>> scale_channels(img, torch.tensor([0.5, 1.0, 2.0]))[0, 0]
        tensor([0.5000, 1.0000, 2.0000])
    """
    # BEGIN SOLUTION
    return img * scale
    # END SOLUTION


def scale_batch_channels(imgs: Tensor, scales: Tensor) -> Tensor:
    """Scale every image's channels by that image's own per-channel scales.

    Args:
        imgs: (B, H, W, C) batch of images.
        scales: (B, C) scales, one row per image.

    Returns:
        (B, H, W, C) tensor of dtype ``torch.result_type(imgs, scales)``.

    Device and mutation: the result is on ``imgs``'s device; inputs stay unchanged.

    Not allowed: Python loops.

    Time budget: on 8 images of 256x256x3, at most 100x the CPU time of one pass over them
    (``imgs.sum()``) + 20 ms of CPU time, measured by the grader from outside your process.

    Example (the seed notebook): 2 images of 256×256×3, scales of shape (2, 3):
        >>> scales = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> scale_batch_channels(torch.ones(2, 256, 256, 3), scales)[1, 0, 0]
        tensor([4., 5., 6.])

    Hint: ``imgs * scales`` fails ("size of tensor a (256) must match the size of tensor b (2)"):
    reshape the scales to (B, 1, 1, C) first, for any B and C.
    """
    # BEGIN SOLUTION
    return imgs * scales[:, None, None, :]
    # END SOLUTION


def pairwise_sq_dists(x: Tensor, y: Tensor) -> Tensor:
    """Squared Euclidean distance between every row of ``x`` and every row of ``y``.

    Args:
        x: (N, D) points.
        y: (M, D) points, same dtype as ``x``.

    Returns:
        (N, M) tensor: ``out[i, j] = sum_k (x[i, k] - y[j, k]) ** 2``, never negative.

    Device and mutation: the result is on ``x``'s device; inputs stay unchanged.

    Not allowed: Python loops; ``torch.cdist``, ``torch.pdist``,
    ``torch.nn.functional.pairwise_distance``.

    Time budget: for N = M = 500 points of D = 8, at most 100x the CPU time of one ``x @ y.T``
    + 100 ms of CPU time, measured by the grader from outside your process.

    Example:
        >>> pairwise_sq_dists(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0], [1.0, 0.0]]))
        tensor([[25.,  1.]])

    Hint: ``|x|² + |y|² - 2 x·y`` is fast, but rounding makes some results slightly negative in
    float32 (about -7.6e-6 on the diagonal): clamp them to 0.
    """
    # BEGIN SOLUTION
    x_sq = (x * x).sum(dim=1, keepdim=True)
    y_sq = (y * y).sum(dim=1)
    return (x_sq + y_sq - 2 * (x @ y.T)).clamp(min=0)
    # END SOLUTION
