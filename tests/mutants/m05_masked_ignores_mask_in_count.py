"""Divides the masked sum by T, the full row length, instead of the count."""
EXERCISE = "5.5"
CATCHES = (
    "check_masked_mean_small_example_with_an_empty_row",
    "check_masked_mean_keeps_reduced_precision",
    "check_masked_mean_random_masks",
    "check_masked_mean_gradient_has_no_nan",
    "check_masked_mean_leaves_inputs_unchanged",
    "check_masked_mean_output_on_input_device",
)


def masked_mean(x, mask):
    return (x * mask.to(x.dtype)).sum(1) / x.shape[1]
