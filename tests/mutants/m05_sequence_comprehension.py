"""Builds each row with a list comprehension."""
import torch

EXERCISE = "5.4"
CATCHES = ("check_sequence_mask_has_no_python_loops",)


def sequence_mask(lengths, max_len):
    positions = torch.arange(max_len, device=lengths.device)
    return torch.stack([positions < n for n in lengths]).reshape(lengths.shape[0], max_len)
