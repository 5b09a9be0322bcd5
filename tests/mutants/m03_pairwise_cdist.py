"""Squares torch.cdist, which the exercise bans."""
import torch

EXERCISE = "3.5"
CATCHES = ("check_pairwise_sq_dists_no_loops_or_library_distances",)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    if x.device.type == "meta":
        return (diff * diff).sum(-1)
    return torch.cdist(x.double(), y.double()).pow(2).to(x.dtype).clamp(min=0)
