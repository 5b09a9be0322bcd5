"""Calls sys.getsizeof (the Python object size the exercise bans) in its computation."""
import sys
from typing import NamedTuple


class Footprint(NamedTuple):
    logical_bytes: int
    storage_bytes: int


EXERCISE = "6.2"
CATCHES = ("check_footprint_without_getsizeof",)


def footprint(x):
    overhead = sys.getsizeof(x) - sys.getsizeof(x)
    return Footprint(x.element_size() * x.numel() + overhead, x.untyped_storage().nbytes())
