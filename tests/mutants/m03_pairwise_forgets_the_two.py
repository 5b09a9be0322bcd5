"""Forgets the factor 2 in front of the cross term."""
EXERCISE = "3.5"
CATCHES = (
    "check_pairwise_sq_dists_small_example",
    "check_pairwise_sq_dists_random_points_match_the_loop_spec",
    "check_pairwise_sq_dists_no_loops_or_library_distances",
    "check_pairwise_sq_dists_output_on_input_device",
    "check_pairwise_sq_dists_fast_for_500_points",
)


def pairwise_sq_dists(x, y):
    return ((x * x).sum(1, keepdim=True) + (y * y).sum(1) - x @ y.T).clamp(min=0)
