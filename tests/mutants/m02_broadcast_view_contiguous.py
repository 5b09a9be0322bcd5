"""Expands, then calls .contiguous(): materialises the broadcast in new memory."""
EXERCISE = "2.3"
CATCHES = (
    "check_broadcast_view_allocates_nothing",
    "check_broadcast_view_output_on_input_device",
    "check_broadcast_view_random_shapes",
)


def broadcast_view(x, shape):
    return x.expand(shape).contiguous()
