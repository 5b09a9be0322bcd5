"""Hard-codes the seed notebook's reshape(2, 1, 1, 3)."""
EXERCISE = "3.4"
CATCHES = (
    "check_scale_batch_channels_random_batches_match_the_loop_spec",
    "check_scale_batch_channels_accepts_non_contiguous_images",
    "check_scale_batch_channels_leaves_inputs_unchanged",
    "check_scale_batch_channels_output_on_input_device",
    "check_scale_batch_channels_fast_on_a_large_batch",
    "check_scale_batch_channels_has_no_python_loops",
)


def scale_batch_channels(imgs, scales):
    return imgs * scales.reshape(2, 1, 1, 3)
