"""The check decorator declares a check's policy: its gate (``requires=``) runs first and a
wrong answer in it fails the check as gated."""

from __future__ import annotations

import inspect
import warnings

import pytest

from grader.checks import check
from grader.outcomes import GATED, CheckFailed


def _small_example(student, gen):
    if student != "right":
        raise CheckFailed("expected 1, got 2.")


def _checked(student, devices):
    return ("ran", student, devices)


with warnings.catch_warnings():  # the marks are registered in the checks' pytest.ini only
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    _rules_check = check("9.9", kind="rules", points=0.5, requires=_small_example)(_checked)


def test_the_gated_check_asks_for_the_fixtures_of_both():
    assert list(inspect.signature(_rules_check).parameters) == ["student", "devices", "gen"]
    assert _rules_check.requires is _small_example
    marks = {m.name: m.args for m in _rules_check.pytestmark}
    assert marks == {"exercise": ("9.9",), "kind": ("rules",), "points": (0.5,)}


def test_a_passed_gate_runs_the_check():
    assert _rules_check(student="right", devices="cpu", gen=None) == ("ran", "right", "cpu")


def test_a_failed_gate_fails_the_check_saying_it_is_gated():
    with pytest.raises(CheckFailed) as failed:
        _rules_check(student="wrong", devices="cpu", gen=None)
    assert str(failed.value) == f"{GATED}expected 1, got 2."
