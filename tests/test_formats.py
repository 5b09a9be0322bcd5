"""`grade run --format gradescope|prairielearn|lti-ags|junit`: each format from a real grading
run, validated against its specification (tests/specs.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from grader.cli import cli
from tests import specs
from tests.conftest import make_submission

WRONG = '''
def arange_reshape(shape, *, device=None):
    import math
    return torch.arange(math.prod(shape), device=device, dtype=torch.float32).reshape(shape)


def numpy_view(x):
    raise ValueError("no view today \\x1b[2J\\x07 <b>&amp;</b>")
'''


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    """Module 1 with 1.1 right, 1.2 wrong (float values) and 1.3 raising a hostile message."""
    return make_submission(tmp_path_factory.mktemp("s"), append={"m01_creation": WRONG})


def run(submission, *args: str):
    result = CliRunner().invoke(
        cli,
        ["run", "1", "--submission", str(submission), "--seed", "5", *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_gradescope_results(submission):
    data = json.loads(run(submission, "--format", "gradescope"))
    specs.check_gradescope(data)
    assert 0 < data["score"] < 8
    hidden = [t for t in data["tests"] if t["visibility"] == "after_published"]
    assert hidden and all("hidden" not in t["output"] or ":" not in t["output"] for t in hidden)


def test_prairielearn_results(submission):
    data = json.loads(run(submission, "--format", "prairielearn"))
    specs.check_prairielearn(data)
    assert 0 < data["score"] < 1
    assert any("no view today" in t["message"] for t in data["tests"])
    assert not any("\x1b" in t["message"] for t in data["tests"])


def test_lti_ags_score_needs_the_user_id_and_is_valid(submission):
    data = json.loads(run(submission, "--format", "lti-ags", "--lti-user-id", "lms-42"))
    specs.check_lti_ags(data)
    assert data["userId"] == "lms-42" and data["scoreMaximum"] == 8
    missing = CliRunner().invoke(cli, ["run", "1", "--format", "lti-ags"])
    assert missing.exit_code == 2 and "--lti-user-id" in missing.output


def test_junit_xml_is_valid_and_marks_failures_and_passes(submission):
    root = specs.check_junit(run(submission, "--format", "junit").encode())
    suites = root.findall("testsuite")
    assert [s.get("name").split(".")[1][:3] for s in suites] == ["1_1", "1_2", "1_3"]
    first, second, third = suites
    assert first.get("failures") == "0" and first.get("errors") == "0"
    assert int(second.get("failures")) > 0
    assert int(third.get("failures")) == int(third.get("tests"))
    text = "".join(third.itertext())
    assert "no view today" in text and "\x1b" not in text and "\x07" not in text
    hidden = [c for c in root.iter("testcase") if "hidden check" in "".join(c.itertext())]
    assert hidden and not any("no view today" in "".join(c.itertext()) for c in hidden)
