"""Ignores the new leading dimensions of the target shape."""
EXERCISE = "2.3"
CATCHES = ("check_broadcast_view_small_example",)


def broadcast_view(x, shape):
    return x.expand(*shape[len(shape) - x.dim():])
