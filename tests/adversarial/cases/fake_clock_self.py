"""Reads the fake clock's planned intervals through the timed function's __self__ and returns
their median without timing anything."""

MODULE = "m08_devices_perf"
ATTACKED = ("8.3",)
FORGES_SCORE = True
REFUSED = ("8.3",)  # by the reflection rule, before it runs

import statistics


def time_it(fn, *, repeats=5, warmup=1):
    plan = fn.__self__.intervals
    return float(statistics.median(plan[warmup : warmup + repeats]))
