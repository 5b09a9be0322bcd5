"""Reduces over the first dimension only (x.mean(0)), not over every element."""
from typing import NamedTuple


class Stats(NamedTuple):
    mean: object
    std: object
    min: object
    max: object


EXERCISE = "4.1"
CATCHES = (
    "check_describe_returns_stats_of_0_dim_tensors",
    "check_describe_random_tensors_match_numpy",
    "check_describe_output_on_input_device",
)


def describe(x, *, unbiased=True):
    c = 1 if unbiased else 0
    return Stats(x.mean(0), x.std(0, correction=c), x.min(0).values, x.max(0).values)
