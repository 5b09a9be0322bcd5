"""Takes the channel mean over dim 1 (the rows) instead of the last dim."""
EXERCISE = "4.2"
CATCHES = (
    "check_image_means_seed_example",
    "check_image_means_shapes",
    "check_image_means_random_batches_with_square_traps",
    "check_image_means_leaves_input_unchanged",
    "check_image_means_output_on_input_device",
)


def image_means(x):
    return x.mean(dim=0), x.mean(dim=1), x.mean(dim=(0, 1, 2))
