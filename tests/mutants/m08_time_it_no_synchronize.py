"""Never synchronizes: GPU work still queued is not measured."""
import statistics
from time import perf_counter

EXERCISE = "8.3"
CATCHES = ("check_time_it_synchronizes_when_cuda_is_available",)


def time_it(fn, *, repeats=5, warmup=1):
    for _ in range(warmup):
        fn()
    intervals = []
    for _ in range(repeats):
        start = perf_counter()
        fn()
        intervals.append(perf_counter() - start)
    return float(statistics.median(intervals))
