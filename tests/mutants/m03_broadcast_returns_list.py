"""Returns a list, not the plain tuple the exercise asks for."""
EXERCISE = "3.1"
CATCHES = (
    "check_broadcast_shapes_seed_example",
    "check_broadcast_shapes_edge_cases",
    "check_broadcast_shapes_is_pure_python",
    "check_broadcast_shapes_random_shapes_match_numpy",
)


def broadcast_shapes(*shapes):
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, size in enumerate((1,) * (ndim - len(shape)) + tuple(shape)):
            if size != 1:
                if result[i] not in (1, size):
                    raise ValueError("not broadcastable")
                result[i] = size
    return result
