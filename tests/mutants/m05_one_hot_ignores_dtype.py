"""Always returns float32, whatever dtype asks for."""
import torch

EXERCISE = "5.2"
CATCHES = ("check_one_hot_honours_dtype_and_0_dim_labels",)


def one_hot(labels, num_classes, *, dtype=torch.float32):
    return (labels[..., None] == torch.arange(num_classes, device=labels.device)).float()
