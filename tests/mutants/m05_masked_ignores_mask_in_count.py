"""Divides the masked sum by T, the full row length, instead of the count."""
EXERCISE = "5.5"
CATCHES = ("check_masked_mean_small_example_with_an_empty_row", "check_masked_mean_random_masks")


def masked_mean(x, mask):
    return (x * mask.to(x.dtype)).sum(1) / x.shape[1]
