"""Calls np.broadcast_shapes instead of implementing the rule."""
import numpy as np

EXERCISE = "3.1"
CATCHES = ("check_broadcast_shapes_is_pure_python",)


def broadcast_shapes(*shapes):
    return tuple(int(s) for s in np.broadcast_shapes(*shapes))
