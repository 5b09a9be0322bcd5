"""8.3 timed with timeit.default_timer, which is time.perf_counter under another name."""

MODULE = "m08_devices_perf"
FULL_MARKS = ("8.3",)

import statistics
import timeit

import torch


def time_it(fn, *, repeats=5, warmup=1):
    for _ in range(warmup):
        fn()
    cuda = torch.cuda.is_available()
    intervals = []
    for _ in range(repeats):
        if cuda:
            torch.cuda.synchronize()
        start = timeit.default_timer()
        fn()
        if cuda:
            torch.cuda.synchronize()
        intervals.append(timeit.default_timer() - start)
    return float(statistics.median(intervals))
