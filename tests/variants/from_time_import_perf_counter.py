"""8.3 with ``from time import perf_counter`` bound before the grader sets its clock."""

MODULE = "m08_devices_perf"
FULL_MARKS = ("8.3",)

import statistics
from time import perf_counter as _clock

import torch


def time_it(fn, *, repeats=5, warmup=1):
    for _ in range(warmup):
        fn()
    intervals = []
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = _clock()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        intervals.append(_clock() - start)
    return float(statistics.median(intervals))
