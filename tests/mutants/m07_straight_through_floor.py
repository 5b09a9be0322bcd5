"""Floors instead of rounding in the forward pass."""
EXERCISE = "7.4"
CATCHES = ("check_straight_through_round_forward_is_round",)


def straight_through_round(x):
    return x + (x.floor() - x).detach()
