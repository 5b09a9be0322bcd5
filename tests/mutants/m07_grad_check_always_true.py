"""Trusts autograd and always answers True."""
EXERCISE = "7.3"
CATCHES = ("check_grad_check_rejects_a_wrong_backward", "check_grad_check_random_inputs")


def grad_check(f, x, *, eps=1e-6, atol=1e-5, rtol=1e-3):
    autograd_grad(f, x)
    return True
