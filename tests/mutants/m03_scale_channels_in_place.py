"""Scales the image in place (img *= scale) and returns it."""
EXERCISE = "3.3"
CATCHES = ("check_scale_channels_leaves_inputs_unchanged",)


def scale_channels(img, scale):
    if img.dtype != scale.dtype:
        return img * scale
    img.mul_(scale)
    return img
