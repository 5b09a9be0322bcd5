"""Hidden checks for module 5: random leading dimensions and the K == W trap."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks.api import (
    check,
    examples,
    expect_close,
    expect_input_unchanged,
    fill,
)
from grader.checks.m05_indexing import expect_mask, nll_oracle, one_hot_oracle
from grader.checks.oracles import masked_mean_loop, sequence_mask_loop


@st.composite
def _logit_shape(draw: st.DrawFn) -> tuple[int, ...]:
    k = draw(st.integers(2, 6))
    w = draw(st.one_of(st.just(k), st.integers(1, 5)))  # K == W trap: argmax over the wrong dim
    h = draw(st.integers(1, 5))
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    return (*lead, h, w, k)


@check("5.1", kind="values", points=1)
def check_segmentation_mask_random_logits_match_the_loop_spec(student, seed, gen):
    """Random leading dimensions and classes (K == W included) match the pixel loop"""
    cases = [(fill(shape, gen, low=-5, high=5),) for shape in examples(_logit_shape(), seed=seed)]
    for (logits,), reply in zip(cases, student.map(cases, replies=True)):
        shape = tuple(logits.shape)
        expect_mask(reply.value, logits, what=f"segmentation_mask(logits {shape})")
        expect_input_unchanged(reply, 0, logits, name="logits")


@st.composite
def _labels_case(draw: st.DrawFn) -> tuple[tuple[int, ...], int]:
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    k = draw(st.one_of(st.just(shape[-1]), st.integers(1, 7)))  # K == last size trap
    return shape, k


@check("5.2", kind="values", points=1)
def check_one_hot_random_labels(student, seed, gen):
    """Random label shapes and class counts match one_hot"""
    cases = [
        (torch.randint(0, k, shape, generator=gen), k)
        for shape, k in examples(_labels_case(), seed=seed)
    ]
    for (labels, k), out in zip(cases, student.map(cases)):
        shape = tuple(labels.shape)
        expect_close(
            out,
            one_hot_oracle(labels, k, torch.float32),
            what=f"one_hot(labels of shape {shape}, {k})",
        )


@st.composite
def _nll_case(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(1, 9))
    k = draw(st.one_of(st.just(n), st.integers(1, 6)))  # N == K trap
    return n, k


@check("5.3", kind="values", points=1)
def check_nll_loss_random_batches(student, seed, gen):
    """Random N and K (N == K included), float32 and float64, match nll_loss"""
    cases = []
    for i, (n, k) in enumerate(examples(_nll_case(), seed=seed)):
        dtype = (torch.float32, torch.float64)[i % 2]
        log_probs = torch.log_softmax(fill((n, k), gen, dtype, low=-4, high=4), dim=1)
        cases.append((log_probs, torch.randint(0, k, (n,), generator=gen)))
    for (log_probs, targets), reply in zip(cases, student.map(cases, replies=True)):
        (n, k), dtype = tuple(log_probs.shape), log_probs.dtype
        expect_close(
            reply.value,
            nll_oracle(log_probs, targets),
            rtol=1e-5,
            atol=1e-6,
            what=f"nll_loss({dtype} log_probs {(n, k)}, targets ({n},))",
        )
        expect_input_unchanged(reply, 0, log_probs, name="log_probs")


@st.composite
def _lengths_case(draw: st.DrawFn) -> tuple[list[int], int]:
    max_len = draw(st.integers(0, 8))
    lengths = draw(st.lists(st.integers(0, max_len), min_size=1, max_size=6))
    return lengths, max_len


@check("5.4", kind="values", points=1)
def check_sequence_mask_random_lengths(student, seed):
    """Random lengths (0 and max_len included) match the position loop, as bool"""
    cases = [
        (torch.tensor(lengths), max_len)
        for lengths, max_len in examples(_lengths_case(), seed=seed)
    ]
    for (t, max_len), out in zip(cases, student.map(cases)):
        lengths = t.tolist()
        expect_close(
            out,
            sequence_mask_loop(t, max_len),
            what=f"sequence_mask(tensor({lengths}), {max_len})",
        )


@st.composite
def _masked_case(draw: st.DrawFn) -> tuple[int, int]:
    b = draw(st.integers(1, 6))
    t = draw(st.one_of(st.just(b), st.integers(1, 7)))  # B == T trap
    return b, t


@check("5.5", kind="values", points=1)
def check_masked_mean_random_masks(student, seed, gen):
    """Random shapes and masks (empty and full rows included) match the row loop"""
    cases = []
    for i, (b, t) in enumerate(examples(_masked_case(), seed=seed)):
        dtype = (torch.float32, torch.float64)[i % 2]
        x = fill((b, t), gen, dtype, low=-10, high=10)
        mask = torch.rand((b, t), generator=gen) < 0.5
        mask[0] = False
        if b > 1:
            mask[-1] = True
        cases.append((x, mask))
    for (x, mask), out in zip(cases, student.map(cases)):
        (b, t), dtype = tuple(x.shape), x.dtype
        expect_close(
            out,
            masked_mean_loop(x, mask),
            rtol=1e-5,
            atol=1e-5,
            what=f"masked_mean({dtype} x {(b, t)}, mask)",
        )
