"""Returns a plain tuple instead of the Stats named tuple."""
EXERCISE = "4.1"
CATCHES = (
    "check_describe_seed_example",
    "check_describe_returns_stats_of_0_dim_tensors",
    "check_describe_output_on_input_device",
    "check_describe_random_tensors_match_numpy",
)


def describe(x, *, unbiased=True):
    return (x.mean(), x.std(correction=1 if unbiased else 0), x.min(), x.max())
