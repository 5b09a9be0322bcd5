"""Breaks ties towards the highest class index."""
EXERCISE = "5.1"
CATCHES = ("check_segmentation_mask_ties_go_to_the_lowest_class",)


def segmentation_mask(logits):
    k = logits.shape[-1]
    values, flipped = logits.flip(-1).max(dim=-1)
    return k - 1 - flipped, values
