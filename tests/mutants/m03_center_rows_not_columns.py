"""Subtracts each row's mean (dim 1) instead of each column's."""
EXERCISE = "3.2"
CATCHES = (
    "check_center_columns_seed_example",
    "check_center_columns_random_matrices_with_the_square_trap",
    "check_center_columns_keeps_the_dtype",
    "check_center_columns_leaves_input_unchanged",
    "check_center_columns_output_on_input_device",
)


def center_columns(x):
    return x - x.mean(dim=1, keepdim=True)
