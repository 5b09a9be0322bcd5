"""Takes the larger size everywhere and never checks compatibility."""
EXERCISE = "3.1"
CATCHES = ("check_broadcast_shapes_incompatible_shapes_raise_value_error",
           "check_broadcast_shapes_edge_cases")


def broadcast_shapes(*shapes):
    ndim = max((len(s) for s in shapes), default=0)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    return tuple(max(sizes) for sizes in zip(*padded)) if padded else ()
