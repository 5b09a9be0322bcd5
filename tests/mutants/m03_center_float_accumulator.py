"""Casts the result to float32 whatever the input dtype."""
EXERCISE = "3.2"
CATCHES = (
    "check_center_columns_keeps_the_dtype",
    "check_center_columns_random_matrices_with_the_square_trap",
)


def center_columns(x):
    return (x - x.mean(dim=0, keepdim=True)).float()
