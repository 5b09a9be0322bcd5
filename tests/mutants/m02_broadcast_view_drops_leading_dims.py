"""Ignores the new leading dimensions of the target shape."""
EXERCISE = "2.3"
CATCHES = (
    "check_broadcast_view_small_example",
    "check_broadcast_view_output_on_input_device",
    "check_broadcast_view_random_shapes",
)


def broadcast_view(x, shape):
    return x.expand(*shape[len(shape) - x.dim():])
