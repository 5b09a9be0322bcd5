"""Sums the picked log-probabilities instead of averaging them."""
EXERCISE = "5.3"
CATCHES = (
    "check_nll_loss_small_example",
    "check_nll_loss_gradient_is_minus_one_hot_over_n",
    "check_nll_loss_random_batches",
    "check_nll_loss_no_loops_or_library_loss",
    "check_nll_loss_output_on_input_device",
    "check_nll_loss_fast_on_a_million_rows",
)


def nll_loss(log_probs, targets):
    return -log_probs.gather(1, targets[:, None]).sum()
