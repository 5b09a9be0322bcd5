"""Calls F.nll_loss, which the exercise bans."""
import torch.nn.functional as F

EXERCISE = "5.3"
CATCHES = ("check_nll_loss_no_loops_or_library_loss",)


def nll_loss(log_probs, targets):
    return F.nll_loss(log_probs, targets)
