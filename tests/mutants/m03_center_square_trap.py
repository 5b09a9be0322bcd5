"""x - x.mean(1) without keepdim: only square matrices broadcast, silently and wrongly."""
EXERCISE = "3.2"
CATCHES = ("check_center_columns_random_matrices_with_the_square_trap",)


def center_columns(x):
    if x.shape[0] == x.shape[1]:
        return x - x.mean(1)
    return x - x.mean(0)
