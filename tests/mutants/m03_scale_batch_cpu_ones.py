"""Multiplies by a CPU tensor built inside the function (torch.ones(C) without a device)."""
import torch

EXERCISE = "3.4"
CATCHES = ("check_scale_batch_channels_output_on_input_device",)


def scale_batch_channels(imgs, scales):
    return imgs * scales[:, None, None, :] * torch.ones(scales.shape[-1])
