"""Builds the class range on the CPU (torch.arange(K) without device=labels.device)."""
import torch

EXERCISE = "5.2"
CATCHES = ("check_one_hot_output_on_labels_device",)


def one_hot(labels, num_classes, *, dtype=torch.float32):
    return (labels[..., None] == torch.arange(num_classes)).to(dtype)
