"""The bigger item size wins (ties go to the first): uint8+int8 stays 8-bit."""
EXERCISE = "6.1"
CATCHES = (
    "check_promote_types_surprising_pairs",
    "check_promote_types_all_100_pairs",
    "check_promote_types_calls_no_torch_function",
    "check_promote_types_is_symmetric",
)


def promote_types(a, b):
    if a.is_floating_point != b.is_floating_point:
        return a if a.is_floating_point else b
    return a if a.itemsize >= b.itemsize else b
