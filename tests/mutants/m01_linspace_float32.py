"""Forgets NumPy's dtype: torch.linspace defaults to float32."""
import torch

EXERCISE = "1.1"
CATCHES = (
    "check_linspace_seed_example_matches_numpy",
    "check_linspace_is_float64_like_numpy",
    "check_linspace_honours_the_device_argument",
    "check_linspace_random_ranges_match_numpy",
    "check_linspace_uses_torch_not_numpy",
)


def linspace_like_numpy(start, stop, num, *, device=None):
    return torch.linspace(start, stop, num, device=device)
