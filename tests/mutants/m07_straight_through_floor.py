"""Floors instead of rounding in the forward pass."""
EXERCISE = "7.4"
CATCHES = (
    "check_straight_through_round_forward_is_round",
    "check_straight_through_round_random_shapes",
    "check_straight_through_round_requires_grad_follows_x",
    "check_straight_through_round_output_on_input_device",
)


def straight_through_round(x):
    return x + (x.floor() - x).detach()
