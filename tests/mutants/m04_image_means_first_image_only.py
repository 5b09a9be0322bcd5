"""Computes the per-channel mean from the first image only."""
EXERCISE = "4.2"
CATCHES = (
    "check_image_means_seed_example",
    "check_image_means_random_batches_with_square_traps",
    "check_image_means_leaves_input_unchanged",
    "check_image_means_output_on_input_device",
    "check_image_means_shapes",
)


def image_means(x):
    return x.mean(dim=0), x.mean(dim=-1), x[0].mean(dim=(0, 1))
