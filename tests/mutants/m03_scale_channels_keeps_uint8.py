"""Casts the result back to the image's dtype (uint8 wraps and truncates)."""
EXERCISE = "3.3"
CATCHES = ("check_scale_channels_promotes_dtypes",
           "check_scale_channels_random_images_match_the_loop_spec")


def scale_channels(img, scale):
    return (img * scale).to(img.dtype)
