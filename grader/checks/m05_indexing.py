"""Visible checks for module 5: argmax as a segmentation mask."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    RandomArg,
    TimeBudget,
    call_on_device,
    check,
    dtype_name,
    expect_close,
    expect_input_unchanged,
    expect_tensor,
    expect_within_budget,
    fill,
    on,
    timed_call,
    values_first,
)
from grader.checks.oracles import argmax_loop, masked_mean_loop, sequence_mask_loop


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


def one_hot_oracle(labels: torch.Tensor, k: int, dtype: torch.dtype) -> torch.Tensor:
    """torch's own one_hot, in the judge, cast to the requested dtype."""
    return torch.nn.functional.one_hot(labels, k).to(dtype)


def _one_hot_small(student, gen) -> None:
    labels = torch.randint(0, 4, (5,), generator=gen)
    expect_close(
        student(labels, 4),
        one_hot_oracle(labels, 4, torch.float32),
        what="one_hot(labels of shape (5,), 4)",
        hint="compare labels[..., None] with torch.arange(num_classes).",
    )


@check("5.2", kind="values", points=0.5)
def check_one_hot_small_example(student, gen):
    """Five labels among 4 classes"""
    _one_hot_small(student, gen)


@check("5.2", kind="dtype", points=0.5)
def check_one_hot_honours_dtype_and_0_dim_labels(student, gen):
    """The dtype argument is honoured, and a 0-dim label gives a (K,) row"""
    labels = torch.randint(0, 3, (2, 3), generator=gen)
    for dtype in (torch.int64, torch.bool, torch.float64):
        expect_close(
            student(labels, 3, dtype=dtype),
            one_hot_oracle(labels, 3, dtype),
            what=f"one_hot(labels (2, 3), 3, dtype={dtype})",
        )
    expect_close(
        student(torch.tensor(2), 4),
        one_hot_oracle(torch.tensor(2), 4, torch.float32),
        what="one_hot(tensor(2), 4)",
    )


@check("5.2", kind="rules", points=0.5, requires=_one_hot_small)
def check_one_hot_without_the_library_function(student, gen):
    """Solves a small example without F.one_hot"""
    student.expect_no_banned(
        banned=("torch.nn.functional.one_hot",),
        why="Build it with a broadcast comparison against torch.arange (or scatter).",
    )


@check("5.2", kind="device", points=0.5, requires=_one_hot_small)
def check_one_hot_output_on_labels_device(student, devices, gen):
    """The encoding is on the labels' device (catches an arange built on the CPU)"""
    labels = torch.randint(0, 5, (2, 3), generator=gen)
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, labels), 5)
        expect_tensor(out, shape=(2, 3, 5), dtype=torch.float32, device=device)


def nll_oracle(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """torch's nll_loss computed in float64 in the judge, cast back."""
    return torch.nn.functional.nll_loss(log_probs.to(torch.float64), targets).to(log_probs.dtype)


def _nll_small(student, gen) -> None:
    log_probs = torch.log_softmax(fill((6, 4), gen), dim=1)
    targets = torch.randint(0, 4, (6,), generator=gen)
    expect_close(
        student(log_probs, targets),
        nll_oracle(log_probs, targets),
        rtol=1e-5,
        atol=1e-6,
        what="nll_loss(log_probs (6, 4), targets (6,))",
        hint="pick log_probs[i, targets[i]] for every i, negate, and average.",
    )


@check("5.3", kind="values", points=0.5)
def check_nll_loss_small_example(student, gen):
    """Six rows of 4 classes give a 0-dim loss equal to nll_loss"""
    _nll_small(student, gen)


@check("5.3", kind="gradient", points=1)
def check_nll_loss_gradient_is_minus_one_hot_over_n(student, gen):
    """The gradient with respect to log_probs is -one_hot(targets) / N (float64)"""
    log_probs = torch.log_softmax(fill((5, 3), gen, torch.float64), dim=1)
    targets = torch.randint(0, 3, (5,), generator=gen)
    reply = student.call_backward(
        (on("cpu", log_probs, requires_grad=True), targets), torch.tensor(1.0, dtype=torch.float64)
    )
    after = reply.inputs_after[0]
    if after is None or after.grad is None:
        raise CheckFailed("no gradient reached log_probs through nll_loss.")
    expected = -torch.nn.functional.one_hot(targets, 3).to(torch.float64) / 5
    expect_close(after.grad, expected, what="the gradient of nll_loss with respect to log_probs")


@check("5.3", kind="rules", points=0.5, requires=_nll_small)
def check_nll_loss_no_loops_or_library_loss(student, gen):
    """Solves a small example with no Python loops and no library loss"""
    student.expect_no_loops()
    student.expect_no_banned(
        banned=(
            "torch.nn.functional.nll_loss",
            "torch.nn.functional.cross_entropy",
            "torch.nn.NLLLoss",
            "torch.nn.CrossEntropyLoss",
        ),
        why="Use gather or advanced indexing.",
    )


@check("5.3", kind="device", points=0.5, requires=_nll_small)
def check_nll_loss_output_on_input_device(student, devices, gen):
    """The loss is on log_probs's device (index tensors may stay on the CPU)"""
    log_probs = torch.log_softmax(fill((4, 3), gen), dim=1)
    targets = torch.randint(0, 3, (4,), generator=gen)
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, log_probs), on(device, targets))
        expect_tensor(out, shape=(), dtype=torch.float32, device=device)


def _sequence_small(student) -> None:
    lengths = torch.tensor([1, 3, 0, 4])
    expect_close(
        student(lengths, 4),
        sequence_mask_loop(lengths, 4),
        what="sequence_mask(tensor([1, 3, 0, 4]), 4)",
        hint="compare torch.arange(max_len)[None, :] with lengths[:, None].",
    )


@check("5.4", kind="values", points=1)
def check_sequence_mask_small_example_with_edges(student):
    """Lengths 1, 3, 0 and max_len give the right rows (0 and max_len included)"""
    _sequence_small(student)


@check("5.4", kind="rules", points=0.5, requires=_sequence_small)
def check_sequence_mask_has_no_python_loops(student):
    """Solves the small example with no Python loops"""
    student.expect_no_loops()


@check("5.4", kind="device", points=0.5, requires=_sequence_small)
def check_sequence_mask_output_on_lengths_device(student, devices):
    """The mask is on the lengths' device (catches an arange built on the CPU)"""
    lengths = torch.tensor([2, 0, 5])
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, lengths), 5)
        expect_tensor(out, shape=(3, 5), dtype=torch.bool, device=device)


def _masked_small(student, gen) -> tuple[torch.Tensor, torch.Tensor]:
    x = fill((3, 4), gen)
    mask = torch.tensor([[True, False, True, True], [False] * 4, [True, True, False, False]])
    expect_close(
        student(x, mask),
        masked_mean_loop(x, mask),
        rtol=1e-5,
        atol=1e-6,
        what="masked_mean(x (3, 4), mask with an empty row)",
        hint="sum x * mask per row, divide by the count clamped to at least 1.",
    )
    return x, mask


@check("5.5", kind="values", points=1)
def check_masked_mean_small_example_with_an_empty_row(student, gen):
    """Row means over the mask; the empty row gives 0, not nan"""
    _masked_small(student, gen)


@check("5.5", kind="dtype", points=0.5, requires=_masked_small)
def check_masked_mean_keeps_reduced_precision(student, gen):
    """float16 and bfloat16 inputs give means of the same dtype (count in x's dtype)"""
    mask = torch.tensor([[True, False, True, True], [False] * 4, [True, True, False, False]])
    for dtype in (torch.float16, torch.bfloat16):
        x = fill((3, 4), gen, low=-2, high=2).to(dtype)
        out = student(x, mask)
        what = f"masked_mean({dtype_name(dtype)} x, mask)"
        expect_tensor(out, shape=(3,), dtype=dtype, what=what)
        expect_close(out, masked_mean_loop(x.double(), mask).to(dtype), rtol=2e-2, atol=2e-2,
                     what=what)  # fmt: skip


@check("5.5", kind="gradient", points=1.5)
def check_masked_mean_gradient_has_no_nan(student, gen):
    """Gradients are mask / count, 0 outside the mask, and never nan on an empty row"""
    x = fill((3, 4), gen, torch.float64)
    mask = torch.tensor([[True, False, True, True], [False] * 4, [False, True, False, False]])
    reply = student.call_backward(
        (on("cpu", x, requires_grad=True), mask), torch.ones(3, dtype=torch.float64)
    )
    after = reply.inputs_after[0]
    if after is None or after.grad is None:
        raise CheckFailed("no gradient reached x through masked_mean.")
    grad = after.grad.data
    if grad is not None and bool(torch.isnan(grad).any()):
        raise CheckFailed(
            "the gradient of masked_mean has nan entries on the empty row: "
            "torch.where(count > 0, total / count, 0) still differentiates total / 0. "
            "Divide by count.clamp(min=1) instead."
        )
    count = mask.sum(1, keepdim=True).clamp(min=1).to(torch.float64)
    expect_close(
        after.grad,
        mask.to(torch.float64) / count,
        what="the gradient of sum(masked_mean(x, mask)) with respect to x",
    )


@check("5.5", kind="mutation", points=0.5)
def check_masked_mean_leaves_inputs_unchanged(student, gen):
    """x and mask are left unchanged"""
    x = fill((2, 5), gen)
    mask = torch.rand((2, 5), generator=gen) < 0.5
    reply = student.call(x, mask)
    expect_close(reply.value, masked_mean_loop(x, mask), rtol=1e-5, atol=1e-6, what="the result")
    expect_input_unchanged(reply, 0, x, name="x")
    expect_input_unchanged(reply, 1, mask, name="mask")


@check("5.5", kind="device", points=0.5)
def check_masked_mean_output_on_input_device(student, devices, gen):
    """The means are on x's device (meta also rejects boolean indexing)"""
    with values_first():
        x, mask = _masked_small(student, gen)
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x), on(device, mask))
        expect_tensor(out, shape=(3,), dtype=torch.float32, device=device)


@check("5.3", kind="time", points=0.5)
def check_nll_loss_fast_on_a_million_rows(student, seed):
    """Solves a small example, and 10^6 rows of 5 classes within 100x a pass + 250 ms of CPU"""
    with values_first():
        _nll_small(student, torch.Generator().manual_seed(seed))
    options = {"time_reference": "sum", "values": False}
    log_probs = RandomArg((10**6, 5), seed, low=-5.0, high=0.0)
    targets = RandomArg((10**6,), seed + 1, dtype=torch.int64, low=0, high=4)
    budget = TimeBudget(
        what="nll_loss on 10^6 rows",
        times=100.0,
        floor_s=0.25,
        hint="a Python loop over rows is far slower than gather or advanced indexing.",
    )
    reply = timed_call(student, budget, options, log_probs, targets)
    expect_tensor(reply.value, shape=(), dtype=torch.float32, what="nll_loss on 10^6 rows")
    expect_within_budget(
        reply,
        budget,
        student=student,
        again=lambda: timed_call(student, budget, options, log_probs, targets),
    )
