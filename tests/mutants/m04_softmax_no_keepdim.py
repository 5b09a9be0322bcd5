"""Takes the max and sum without keepdim: broadcasts along the wrong axis unless dim is last."""
EXERCISE = "4.3"
CATCHES = (
    "check_stable_softmax_random_shapes_and_dims",
    "check_stable_softmax_output_on_input_device",
)


def stable_softmax(x, dim=-1):
    if dim in (-1, x.dim() - 1):
        e = (x - x.amax(dim=dim, keepdim=True)).exp()
        return e / e.sum(dim=dim, keepdim=True)
    e = (x - x.amax(dim=dim)).exp()
    return e / e.sum(dim=dim)
