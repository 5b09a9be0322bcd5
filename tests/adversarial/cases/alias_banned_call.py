"""Binds torch.promote_types to a module-level alias and calls the alias: the banned-call rule
used to look for calls of torch functions only, so 6.1's "no torch function" points came free."""

MODULE = "m06_dtypes_memory"
ATTACKED = ()
FORGES_SCORE = True
LOSES = ("6.1::check_promote_types_calls_no_torch_function",)

import torch

_f = torch.promote_types


def promote_types(a, b):
    return _f(a, b)
