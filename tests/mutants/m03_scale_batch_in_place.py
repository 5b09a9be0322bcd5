"""Scales the images in place."""
EXERCISE = "3.4"
CATCHES = ("check_scale_batch_channels_leaves_inputs_unchanged",)


def scale_batch_channels(imgs, scales):
    return imgs.mul_(scales[:, None, None, :])
