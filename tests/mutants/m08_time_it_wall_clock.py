"""Times with time.time() instead of time.perf_counter()."""
import statistics
import time

EXERCISE = "8.3"
CATCHES = (
    "check_time_it_reads_perf_counter_and_returns_a_float",
    "check_time_it_returns_the_median_without_warmup",
    "check_time_it_synchronizes_when_cuda_is_available",
)


def time_it(fn, *, repeats=5, warmup=1):
    for _ in range(warmup):
        fn()
    intervals = []
    for _ in range(repeats):
        start = time.time()
        fn()
        intervals.append(time.time() - start)
    return float(statistics.median(intervals))
