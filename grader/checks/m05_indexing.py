"""Visible checks for module 5: argmax as a segmentation mask."""

from __future__ import annotations

import torch

from grader.checks import check
from grader.checks.expect import call_on_device, expect_close, expect_tensor
from grader.checks.inputs import fill, on
from grader.checks.oracles import argmax_loop
from grader.outcomes import CheckFailed


def expect_mask(out, logits: torch.Tensor, *, what: str) -> None:
    """Compare (labels, confidence) against the loop spec."""
    if not isinstance(out, tuple) or len(out) != 2:
        raise CheckFailed(
            f"expected {what} to return (labels, confidence), got {type(out).__name__}."
        )
    labels, conf = argmax_loop(logits)
    expect_close(
        out[0],
        labels,
        what=f"{what} labels",
        hint="labels come first: torch.max returns (values, indices).",
    )
    expect_close(out[1], conf, what=f"{what} confidence")


@check("5.1", kind="values", points=0.5)
def check_segmentation_mask_seed_example(student, gen):
    """A 2-image batch of 4x4 pixels with 3 classes"""
    logits = fill((2, 4, 4, 3), gen)
    expect_mask(student(logits), logits, what="segmentation_mask(logits (2, 4, 4, 3))")


@check("5.1", kind="values", points=0.5)
def check_segmentation_mask_ties_go_to_the_lowest_class(student):
    """When two classes tie, the lower class index wins"""
    logits = torch.tensor([[[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], [[0.0, 5.0, 5.0], [4.0, 1.0, 4.0]]])
    expect_mask(student(logits), logits, what="segmentation_mask(logits with ties)")


@check("5.1", kind="dtype", points=0.5)
def check_segmentation_mask_dtypes(student, gen):
    """Labels are int64; confidence keeps the input's dtype"""
    for dtype in (torch.float64, torch.float32):
        logits = fill((3, 2, 4), gen, dtype)
        out = student(logits)
        if not isinstance(out, tuple) or len(out) != 2:
            raise CheckFailed(f"expected (labels, confidence), got {type(out).__name__}.")
        expect_tensor(
            out[0],
            shape=(3, 2),
            dtype=torch.int64,
            what=f"labels for {dtype} logits",
            hint="use the indices of torch.max / torch.argmax (int64).",
        )
        expect_tensor(out[1], shape=(3, 2), dtype=dtype, what=f"confidence for {dtype} logits")
        expect_mask(out, logits, what=f"segmentation_mask({dtype} logits)")


@check("5.1", kind="device", points=0.5)
def check_segmentation_mask_output_on_input_device(student, devices, gen):
    """Labels and confidence are on the input's device"""
    logits = fill((2, 3, 4, 5), gen)
    expect_mask(student(logits), logits, what="segmentation_mask(logits) on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, logits))
        if not isinstance(out, tuple) or len(out) != 2:
            raise CheckFailed(f"expected (labels, confidence), got {type(out).__name__}.")
        expect_tensor(out[0], shape=(2, 3, 4), dtype=torch.int64, device=device, what="labels")
        expect_tensor(out[1], shape=(2, 3, 4), device=device, what="confidence")
