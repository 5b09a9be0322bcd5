"""np.array(t.detach()) copies: writing the array leaves t unchanged."""
import numpy as np

EXERCISE = "1.3"
CATCHES = (
    "check_numpy_view_shares_memory",
    "check_numpy_view_of_a_transposed_tensor",
    "check_numpy_view_random_shapes_and_dtypes",
    "check_numpy_view_of_a_tensor_that_requires_grad",
)


def numpy_view(t):
    if t.device.type != "cpu":
        raise ValueError("cpu only")
    return np.array(t.detach())
