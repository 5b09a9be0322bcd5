"""Normalises the input in place first (x.mul_(1.0)): same values, but the input is modified."""
EXERCISE = "4.2"
CATCHES = ("check_image_means_leaves_input_unchanged",)


def image_means(x):
    x.mul_(1.0)
    return x.mean(dim=0), x.mean(dim=-1), x.mean(dim=(0, 1, 2))
