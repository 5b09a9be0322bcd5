"""Defines scale_channels once without loops, then again inside ``if True:`` with a Python loop
over the channels: the rules used to read the first def while Python runs the last one."""

MODULE = "m03_broadcasting"
ATTACKED = ()
FORGES_SCORE = True
LOSES = ("3.3::check_scale_channels_has_no_python_loops",)

import torch


def scale_channels(img, scale):
    return img * scale


if True:

    def scale_channels(img, scale):
        return torch.stack([img[..., c] * scale[c] for c in range(img.shape[-1])], -1)
