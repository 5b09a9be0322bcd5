"""Never checks the shape: non-square input passes silently."""
EXERCISE = "2.2"
CATCHES = ("check_zero_diagonal_rejects_non_square_input",)


def zero_diagonal_(x):
    x.diagonal(dim1=-2, dim2=-1).zero_()
    return x
