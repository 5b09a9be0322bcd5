"""Computes on x.detach(): right values, but no gradient reaches x."""
EXERCISE = "4.3"
CATCHES = ("check_stable_softmax_gradient_matches",)


def stable_softmax(x, dim=-1):
    z = x.detach()
    e = (z - z.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
