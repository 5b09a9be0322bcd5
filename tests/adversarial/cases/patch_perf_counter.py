"""Freezes time.perf_counter at import, so a Python loop over 10^6 windows measures as instant
and passes 8.2's time budget (when the worker timed itself)."""

MODULE = "m08_devices_perf"
ATTACKED = ("8.2",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import time

import torch

_start = time.perf_counter()
time.perf_counter = lambda: _start


def rolling_mean(x, window):
    if window < 1 or window > x.shape[0]:
        raise ValueError("bad window")
    return torch.stack([x[i : i + window].mean() for i in range(x.shape[0] - window + 1)])
