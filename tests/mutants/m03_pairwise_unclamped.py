"""Uses the |x|^2 + |y|^2 - 2 x.y expansion without clamping: tiny negatives in float32."""
EXERCISE = "3.5"
CATCHES = ("check_pairwise_sq_dists_never_negative",)


def pairwise_sq_dists(x, y):
    return (x * x).sum(1, keepdim=True) + (y * y).sum(1) - 2 * (x @ y.T)
