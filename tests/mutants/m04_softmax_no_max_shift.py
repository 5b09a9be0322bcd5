"""Exponentiates x directly: exp(1000) overflows to inf and the result is nan."""
EXERCISE = "4.3"
CATCHES = ("check_stable_softmax_survives_large_inputs",)


def stable_softmax(x, dim=-1):
    e = x.exp()
    return e / e.sum(dim=dim, keepdim=True)
