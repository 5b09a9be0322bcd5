"""Rebuilds the scales on the CPU (torch.tensor(scale.tolist())): breaks off the CPU."""
import torch

EXERCISE = "3.3"
CATCHES = ("check_scale_channels_output_on_input_device",)


def scale_channels(img, scale):
    if img.device.type == "meta":
        return img * torch.ones(scale.shape[0])
    return img * torch.tensor(scale.tolist(), dtype=scale.dtype)
