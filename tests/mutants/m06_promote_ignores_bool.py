"""Treats bool as an integer type of size 1 (bool with uint8 gives bool)."""
import torch

EXERCISE = "6.1"
CATCHES = (
    "check_promote_types_all_100_pairs",
    "check_promote_types_is_symmetric",
)


def promote_types(a, b):
    if a == b:
        return a
    fa, fb = a.is_floating_point, b.is_floating_point
    if fa != fb:
        return a if fa else b
    if fa:
        if {a, b} == {torch.float16, torch.bfloat16}:
            return torch.float32
        return a if a.itemsize > b.itemsize else b
    if a == torch.uint8 or b == torch.uint8:
        other = b if a == torch.uint8 else a
        if other == torch.bool:
            return other
        return torch.int16 if other.itemsize < 2 else other
    return a if a.itemsize > b.itemsize else b
