"""Updates outside torch.no_grad(): raises on a leaf that requires grad."""
EXERCISE = "7.5"
CATCHES = (
    "check_sgd_step_updates_in_place",
    "check_sgd_step_random_parameters",
)


def sgd_step_(params, lr):
    for p in params:
        if p.grad is None:
            continue
        p -= lr * p.grad
        p.grad = None
