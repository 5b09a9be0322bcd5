"""Swaps the unbiased and biased standard deviations."""
from typing import NamedTuple


class Stats(NamedTuple):
    mean: object
    std: object
    min: object
    max: object


EXERCISE = "4.1"
CATCHES = ("check_describe_seed_example", "check_describe_random_tensors_match_numpy")


def describe(x, *, unbiased=True):
    return Stats(x.mean(), x.std(correction=0 if unbiased else 1), x.min(), x.max())
