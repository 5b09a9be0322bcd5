"""Reports the storage size for both numbers."""
from typing import NamedTuple


class Footprint(NamedTuple):
    logical_bytes: int
    storage_bytes: int


EXERCISE = "6.2"
CATCHES = ("check_footprint_expanded_and_sliced_views",)


def footprint(x):
    n = x.untyped_storage().nbytes()
    return Footprint(n, n)
