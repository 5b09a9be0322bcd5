"""3.5 as a broadcast difference (N, 1, D) - (1, M, D): vectorised, no loops, more memory."""

MODULE = "m03_broadcasting"
FULL_MARKS = ("3.5",)


def pairwise_sq_dists(x, y):
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
