"""Counts the mask in float32 and divides by it: float16 and bfloat16 means come back float32."""
import torch

EXERCISE = "5.5"
CATCHES = ("check_masked_mean_keeps_reduced_precision",)


def masked_mean(x, mask):
    total = (x * mask.to(x.dtype)).sum(dim=1)
    count = mask.sum(dim=1).to(torch.float32)
    return total / count.clamp(min=1)
