"""Uses <= instead of <: one position too many in every row."""
import torch

EXERCISE = "5.4"
CATCHES = (
    "check_sequence_mask_small_example_with_edges",
    "check_sequence_mask_random_lengths",
    "check_sequence_mask_has_no_python_loops",
    "check_sequence_mask_output_on_lengths_device",
)


def sequence_mask(lengths, max_len):
    return torch.arange(max_len, device=lengths.device)[None, :] <= lengths[:, None]
