"""Returns torch.round(x): right values, but round's gradient is 0."""
import torch

EXERCISE = "7.4"
CATCHES = ("check_straight_through_round_gradient_is_one",
           "check_straight_through_round_random_shapes")


def straight_through_round(x):
    return torch.round(x)
