"""Builds the positions on the CPU."""
import torch

EXERCISE = "5.4"
CATCHES = ("check_sequence_mask_output_on_lengths_device",)


def sequence_mask(lengths, max_len):
    return torch.arange(max_len)[None, :] < lengths[:, None]
