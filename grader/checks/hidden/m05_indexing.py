"""Hidden checks for module 5: random leading dimensions and the K == W trap."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from grader.checks import check
from grader.checks.expect import expect_input_unchanged
from grader.checks.inputs import examples, fill
from grader.checks.m05_indexing import expect_mask

pytestmark = pytest.mark.hidden


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
    for shape in examples(_logit_shape(), seed=seed):
        logits = fill(shape, gen, low=-5, high=5)
        reply = student.call(logits)
        expect_mask(reply.value, logits, what=f"segmentation_mask(logits {shape})")
        expect_input_unchanged(reply, 0, logits, name="logits")
