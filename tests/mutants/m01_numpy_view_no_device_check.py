"""Never checks the device: a meta tensor raises TypeError, not ValueError."""
EXERCISE = "1.3"
CATCHES = ("check_numpy_view_rejects_non_cpu_tensors",)


def numpy_view(t):
    return t.detach().numpy()
