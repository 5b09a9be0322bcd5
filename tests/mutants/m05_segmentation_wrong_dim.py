"""Takes the argmax over dim -2 (the width) instead of the classes."""
EXERCISE = "5.1"
CATCHES = (
    "check_segmentation_mask_seed_example",
    "check_segmentation_mask_random_logits_match_the_loop_spec",
    "check_segmentation_mask_dtypes",
    "check_segmentation_mask_output_on_input_device",
    "check_segmentation_mask_ties_go_to_the_lowest_class",
)


def segmentation_mask(logits):
    values, indices = logits.max(dim=-2)
    return indices, values
