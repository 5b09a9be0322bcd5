"""Uses repeat, which copies, instead of expand."""
EXERCISE = "2.3"
CATCHES = (
    "check_broadcast_view_allocates_nothing",
    "check_broadcast_view_random_shapes",
    "check_broadcast_view_output_on_input_device",
    "check_broadcast_view_rejects_incompatible_shapes",
)


def broadcast_view(x, shape):
    x = x.reshape((1,) * (len(shape) - x.dim()) + tuple(x.shape))
    reps = [t if s == 1 else 1 for s, t in zip(x.shape, shape)]
    return x.repeat(*reps)
