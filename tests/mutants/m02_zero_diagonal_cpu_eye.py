"""Masks with torch.eye(N) built on the CPU."""
import torch

EXERCISE = "2.2"
CATCHES = (
    "check_zero_diagonal_output_on_input_device",
    "check_zero_diagonal_keeps_dtype_and_zeroes_inf_and_nan",
)


def zero_diagonal(x):
    if x.dim() < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError("not square")
    return x * (1 - torch.eye(x.shape[-1], dtype=x.dtype))
