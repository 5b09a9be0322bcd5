"""Returns the tensor (...).all() instead of a Python bool."""
EXERCISE = "7.3"
CATCHES = (
    "check_grad_check_accepts_correct_gradients",
    "check_grad_check_random_inputs",
    "check_grad_check_rejects_a_wrong_backward",
    "check_grad_check_without_gradcheck",
)


def grad_check(f, x, *, eps=1e-6, atol=1e-5, rtol=1e-3):
    analytic = autograd_grad(f, x)
    numeric = numerical_grad(f, x, eps)
    return ((analytic - numeric).abs() <= atol + rtol * numeric.abs()).all()
