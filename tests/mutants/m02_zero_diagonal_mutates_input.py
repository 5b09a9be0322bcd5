"""The copying version zeroes the input's own diagonal."""
EXERCISE = "2.2"
CATCHES = ("check_zero_diagonal_copies_and_leaves_input", "check_zero_diagonal_random_batches")


def zero_diagonal(x):
    return zero_diagonal_(x)
