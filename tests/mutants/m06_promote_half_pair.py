"""Right except float16 with bfloat16, where it keeps the first argument."""
import torch

EXERCISE = "6.1"
CATCHES = (
    "check_promote_types_surprising_pairs",
    "check_promote_types_all_100_pairs",
    "check_promote_types_is_symmetric",
    "check_promote_types_calls_no_torch_function",
)


def promote_types(a, b):
    if a == b:
        return a

    def category(d):
        if d == torch.bool:
            return 0
        return 2 if d.is_floating_point else 1

    if category(a) != category(b):
        return a if category(a) > category(b) else b
    if category(a) == 2:
        if {a, b} == {torch.float16, torch.bfloat16}:
            return a
        return a if a.itemsize > b.itemsize else b
    if a == torch.uint8 or b == torch.uint8:
        signed = b if a == torch.uint8 else a
        return torch.int16 if signed.itemsize < 2 else signed
    return a if a.itemsize > b.itemsize else b
