"""Always returns a contiguous copy, even when a view is asked for."""
EXERCISE = "2.1"
CATCHES = ("check_to_channels_first_view_or_copy", "check_to_channels_first_random_batches")


def to_channels_first(x, *, contiguous=False):
    return x.permute(0, 3, 1, 2).clone()
