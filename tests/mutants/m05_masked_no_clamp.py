"""Divides by the raw count: an empty row gives 0/0 = nan."""
EXERCISE = "5.5"
CATCHES = (
    "check_masked_mean_small_example_with_an_empty_row",
    "check_masked_mean_keeps_reduced_precision",
    "check_masked_mean_random_masks",
    "check_masked_mean_gradient_has_no_nan",
    "check_masked_mean_output_on_input_device",
)


def masked_mean(x, mask):
    w = mask.to(x.dtype)
    return (x * w).sum(1) / w.sum(1)
