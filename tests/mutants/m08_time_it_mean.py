"""Returns the mean of the timed intervals instead of the median."""
import time

import torch

EXERCISE = "8.3"
CATCHES = ("check_time_it_returns_the_median_without_warmup",)


def time_it(fn, *, repeats=5, warmup=1):
    for _ in range(warmup):
        fn()
    intervals = []
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        intervals.append(time.perf_counter() - start)
    return sum(intervals) / len(intervals)
