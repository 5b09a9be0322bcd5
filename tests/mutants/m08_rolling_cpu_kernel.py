"""Uses cumsum with a zero prepended on the CPU (torch.zeros(1) without a device)."""
import torch

EXERCISE = "8.2"
CATCHES = ("check_rolling_mean_output_on_input_device",)


def rolling_mean(x, window):
    if window < 1 or window > x.shape[0]:
        raise ValueError("bad window")
    sums = torch.cat([torch.zeros(1, dtype=torch.float64), x.to(torch.float64).cumsum(0)])
    return ((sums[window:] - sums[:-window]) / window).to(x.dtype)
