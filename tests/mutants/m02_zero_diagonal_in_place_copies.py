"""The in-place version works on a copy and returns it: x is never changed."""
EXERCISE = "2.2"
CATCHES = (
    "check_zero_diagonal_in_place_returns_x",
    "check_zero_diagonal_random_batches",
)


def zero_diagonal_(x):
    if x.dim() < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError("not square")
    out = x.clone()
    out.diagonal(dim1=-2, dim2=-1).zero_()
    return out
