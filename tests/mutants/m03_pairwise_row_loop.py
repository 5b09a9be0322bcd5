"""Loops over the rows of x in Python."""
import torch

EXERCISE = "3.5"
CATCHES = ("check_pairwise_sq_dists_no_loops_or_library_distances",)


def pairwise_sq_dists(x, y):
    return torch.stack([((row[None, :] - y) ** 2).sum(1) for row in x])
