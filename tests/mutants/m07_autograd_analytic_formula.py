"""Returns the seed's analytic answer 3x^2 whatever f is."""
EXERCISE = "7.1"
CATCHES = ("check_autograd_grad_matches_closed_forms",)


def autograd_grad(f, x):
    return 3 * x.detach() ** 2
