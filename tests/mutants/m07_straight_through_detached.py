"""Detaches the whole result: no graph, requires_grad False."""
EXERCISE = "7.4"
CATCHES = ("check_straight_through_round_gradient_is_one",
           "check_straight_through_round_requires_grad_follows_x")


def straight_through_round(x):
    return (x + (x.round() - x)).detach()
