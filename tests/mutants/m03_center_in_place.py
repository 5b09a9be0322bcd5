"""Centres x in place (x -= mean) and returns it."""
EXERCISE = "3.2"
CATCHES = (
    "check_center_columns_leaves_input_unchanged",
    "check_center_columns_random_matrices_with_the_square_trap",
)


def center_columns(x):
    x -= x.mean(dim=0, keepdim=True)
    return x
