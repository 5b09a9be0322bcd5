"""5.3 indexing rows with list(range(N)): no loop in the code, one Python int per row (2x under
its time budget, where a loop over rows is 13x over it)."""

MODULE = "m05_indexing"
FULL_MARKS = ("5.3",)


def nll_loss(log_probs, targets):
    return -log_probs[list(range(log_probs.shape[0])), targets].mean()
