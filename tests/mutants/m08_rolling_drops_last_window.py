"""Returns N - window values instead of N - window + 1 (drops the last window)."""
EXERCISE = "8.2"
CATCHES = (
    "check_rolling_mean_small_example",
    "check_rolling_mean_random_lengths_and_windows",
    "check_rolling_mean_fast_on_a_million_values",
    "check_rolling_mean_has_no_python_loops",
    "check_rolling_mean_output_on_input_device",
)


def rolling_mean(x, window):
    if window < 1 or window > x.shape[0]:
        raise ValueError("bad window")
    return x.unfold(0, window, 1).mean(dim=1)[:-1]
