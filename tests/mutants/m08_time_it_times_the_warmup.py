"""Skips the separate warm-up and times warmup + repeats runs."""
import statistics
import time

import torch

EXERCISE = "8.3"
CATCHES = ("check_time_it_returns_the_median_without_warmup",)


def time_it(fn, *, repeats=5, warmup=1):
    intervals = []
    for _ in range(warmup + repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        intervals.append(time.perf_counter() - start)
    return float(statistics.median(intervals))
