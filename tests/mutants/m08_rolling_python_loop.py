"""Loops over the windows in Python: seconds for 10^6 values."""
import torch

EXERCISE = "8.2"
CATCHES = (
    "check_rolling_mean_has_no_python_loops",
    "check_rolling_mean_fast_on_a_million_values",
    "check_rolling_mean_output_on_input_device",
)


def rolling_mean(x, window):
    if window < 1 or window > x.shape[0]:
        raise ValueError("bad window")
    n = x.shape[0] - window + 1
    out = torch.empty(n, dtype=x.dtype, device=x.device)
    total = float(x[:window].sum())
    out[0] = total / window
    values = x.tolist()
    for i in range(1, n):
        total += values[i + window - 1] - values[i - 1]
        out[i] = total / window
    return out
