"""Detaches the whole result: no graph, requires_grad False."""
EXERCISE = "7.4"
CATCHES = (
    "check_straight_through_round_gradient_is_one",
    "check_straight_through_round_requires_grad_follows_x",
    "check_straight_through_round_random_shapes",
)


def straight_through_round(x):
    return (x + (x.round() - x)).detach()
