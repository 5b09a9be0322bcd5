"""Aligns shapes on the left (pads short shapes at the end) instead of the right."""
EXERCISE = "3.1"
CATCHES = ("check_broadcast_shapes_random_shapes_match_numpy", "check_broadcast_shapes_edge_cases")


def broadcast_shapes(*shapes):
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, size in enumerate(tuple(shape) + (1,) * (ndim - len(shape))):
            if size == 1:
                continue
            if result[i] not in (1, size):
                raise ValueError("not broadcastable")
            result[i] = size
    return tuple(result)
