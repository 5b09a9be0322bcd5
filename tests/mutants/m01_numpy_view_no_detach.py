"""Calls t.numpy() directly: raises for a tensor that requires grad."""
EXERCISE = "1.3"
CATCHES = ("check_numpy_view_of_a_tensor_that_requires_grad",)


def numpy_view(t):
    if t.device.type != "cpu":
        raise ValueError("cpu only")
    return t.numpy()
