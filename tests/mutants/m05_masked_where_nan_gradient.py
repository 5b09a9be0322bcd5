"""torch.where(count > 0, total / count, 0): right forwards, nan gradients on empty rows."""
import torch

EXERCISE = "5.5"
CATCHES = ("check_masked_mean_gradient_has_no_nan",)


def masked_mean(x, mask):
    w = mask.to(x.dtype)
    total = (x * w).sum(1)
    count = w.sum(1)
    return torch.where(count > 0, total / count, torch.zeros_like(total))
