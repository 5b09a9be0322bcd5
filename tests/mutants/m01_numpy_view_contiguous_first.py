"""Makes t contiguous first: a transposed t is copied."""
EXERCISE = "1.3"
CATCHES = ("check_numpy_view_of_a_transposed_tensor",)


def numpy_view(t):
    if t.device.type != "cpu":
        raise ValueError("cpu only")
    return t.detach().contiguous().numpy()
