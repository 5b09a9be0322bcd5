"""A claimed view is checked in the judge against data: the input's own values, seen through the
strides and offset the worker reported, must be exactly the values it returned."""

from __future__ import annotations

import pytest
import torch

from grader.checks.expect import expect_shows_input_bytes, expect_view_of_input
from grader.outcomes import CheckFailed
from grader.runner import ReturnedTensor


def _reported(value: torch.Tensor, source: torch.Tensor, **overrides) -> ReturnedTensor:
    facts = {
        "shape": list(value.shape),
        "strides": list(value.stride()),
        "storage_offset": value.storage_offset(),
        "storage_nbytes": source.untyped_storage().nbytes(),
        "shares_storage_with": [0],
    }
    facts.update(overrides)
    return ReturnedTensor(facts=facts, data=value.contiguous())


def test_a_true_view_is_believed():
    x = torch.arange(12.0).reshape(3, 4)
    for view in (x.T, x[1:, ::2], x[:, :1].expand(3, 5)):
        expect_view_of_input(_reported(view, x), what="the view", source=x)


def test_a_copy_with_other_values_reported_as_a_view_is_not():
    x = torch.arange(12.0).reshape(3, 4)
    forged = _reported(x * 2, x)  # strides and sharing claimed, values not the input's
    with pytest.raises(CheckFailed, match="does not believe"):
        expect_view_of_input(forged, what="the view", source=x)


def test_a_reported_storage_of_another_size_is_not():
    x = torch.arange(12.0).reshape(3, 4)
    with pytest.raises(CheckFailed, match="does not believe"):
        expect_shows_input_bytes(_reported(x, x, storage_nbytes=4), x, what="the view")


def test_strides_that_reach_outside_the_input_are_not():
    x = torch.arange(4.0)
    reported = _reported(x, x, strides=[3])
    with pytest.raises(CheckFailed, match="does not believe"):
        expect_shows_input_bytes(reported, x, what="the view")
