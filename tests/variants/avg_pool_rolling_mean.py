"""8.2 with F.avg_pool1d: a library kernel, vectorised."""

MODULE = "m08_devices_perf"
FULL_MARKS = ("8.2",)

import torch.nn.functional as F


def rolling_mean(x, window):
    if window < 1 or window > x.shape[0]:
        raise ValueError(f"window must be in [1, {x.shape[0]}], got {window}")
    return F.avg_pool1d(x[None, None, :], window, stride=1)[0, 0]
