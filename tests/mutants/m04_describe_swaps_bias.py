"""Swaps the unbiased and biased standard deviations."""
from typing import NamedTuple


class Stats(NamedTuple):
    mean: object
    std: object
    min: object
    max: object


EXERCISE = "4.1"
CATCHES = (
    "check_describe_seed_example",
    "check_describe_random_tensors_match_numpy",
    "check_describe_output_on_input_device",
    "check_describe_returns_stats_of_0_dim_tensors",
)


def describe(x, *, unbiased=True):
    return Stats(x.mean(), x.std(correction=0 if unbiased else 1), x.min(), x.max())
