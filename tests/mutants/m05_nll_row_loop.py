"""Loops over the rows in Python."""
import torch

EXERCISE = "5.3"
CATCHES = (
    "check_nll_loss_no_loops_or_library_loss",
    "check_nll_loss_output_on_input_device",
    "check_nll_loss_fast_on_a_million_rows",
)


def nll_loss(log_probs, targets):
    picked = torch.stack([log_probs[i, targets[i]] for i in range(log_probs.shape[0])])
    return -picked.mean()
