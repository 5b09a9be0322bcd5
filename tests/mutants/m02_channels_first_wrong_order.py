"""Permutes to (B, C, W, H): height and width swapped."""
EXERCISE = "2.1"
CATCHES = (
    "check_to_channels_first_small_example",
    "check_to_channels_first_random_batches",
    "check_to_channels_first_output_on_input_device",
    "check_to_channels_first_view_or_copy",
)


def to_channels_first(x, *, contiguous=False):
    view = x.permute(0, 3, 2, 1)
    return view.contiguous() if contiguous else view
