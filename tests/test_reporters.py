"""Reporters: schema-valid JSON, Gradescope's fields, and a terminal report that teaches."""

from __future__ import annotations

import io
import json

import jsonschema

from grader.reporters import REPORTERS
from grader.reporters.gradescope import to_dict as gradescope_dict
from grader.reporters.jsonfile import SCHEMA_PATH, to_dict
from tests.conftest import SEED, SOLUTIONS, grade, make_submission

SCHEMA = json.loads(SCHEMA_PATH.read_text())


def test_json_reports_validate_for_passing_and_failing_runs(solutions_report, stubs_report):
    for report in (solutions_report, stubs_report):
        jsonschema.validate(to_dict(report), SCHEMA)


def test_schema_rejects_a_wrong_report(solutions_report):
    data = to_dict(solutions_report)
    data["exercises"][0]["checks"][0]["outcome"] = "great"
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an unknown outcome")


def test_gradescope_maps_hidden_checks_to_after_published(solutions_report):
    data = gradescope_dict(solutions_report)
    assert data["score"] == solutions_report.score
    hidden = [t for t in data["tests"] if t["visibility"] == "after_published"]
    assert len(hidden) == sum(c.visibility == "hidden" for c in solutions_report.checks)


def test_terminal_report_teaches_on_a_failure(tmp_path):
    sub = make_submission(
        tmp_path / "s",
        append={
            "m03_broadcasting": "def scale_batch_channels(imgs, scales):\n"
            "    return imgs * scales.reshape(2, 1, 1, 3)\n"
        },
    )
    report = grade(sub, exercises=["3.4"], seed=SEED)
    stream = io.StringIO()
    REPORTERS["text"](report, stream)
    text = stream.getvalue()
    assert "What to fix" in text and "3.4 scale_batch_channels" in text
    assert (
        "scale_batch_channels(tensor (3, 4, 5, 2) float32, non-contiguous, tensor (3, 2) float32)"
        " raised RuntimeError" in text.replace("\n        ", " ")
    )
    assert "line " in text
    assert "hidden check:" in text
    assert "Hidden checks: 1 ran, 0 passed" in text


def test_terminal_report_never_claims_all_passed(solutions_report):
    stream = io.StringIO()
    REPORTERS["text"](solutions_report, stream)
    assert "all tests passed" not in stream.getvalue().lower()
    assert "hidden" in stream.getvalue()


def test_seed_example_failure_names_first_mismatch(tmp_path):
    sub = make_submission(
        tmp_path / "s",
        append={
            "m01_creation": "def arange_reshape(shape, *, device=None):\n"
            "    import math, torch\n"
            "    return torch.arange(1, math.prod(shape) + 1, device=device).reshape(shape)\n"
        },
    )
    report = grade(sub, exercises=["1.2"], seed=SEED)
    seed_check = next(c for c in report.checks if c.name.startswith("arange_reshape((3, 4, 4))"))
    assert "at index (0, 0, 0) expected 0, got 1" in seed_check.message
    assert SOLUTIONS.exists()


def test_a_refused_exercise_is_said_once_with_what_it_cost(tmp_path):
    import io

    from grader.reporters import terminal
    from tests.conftest import grade, make_submission

    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": "import gc\n"})
    report = grade(folder, exercises=["3.3"], seed=1)
    stream = io.StringIO()
    terminal.render(report, stream)
    text = stream.getvalue()
    assert text.count("import gc") == 1
    assert "[refused] all" in text and "refused: reaches into internals" in text


def test_one_cause_is_said_once_with_the_checks_it_cost(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT, make_submission

    m01 = (ROOT / "solutions" / "m01_creation.py").read_text().replace(
        "def arange_reshape(", "def arange_reshape(*a, **k):\n    while True:\n        pass\n\n\n"
        "def _old_arange_reshape(",
    )  # fmt: skip
    m03 = (
        (ROOT / "solutions" / "m03_broadcasting.py")
        .read_text()
        .replace("def scale_channels(", "def scale_chanels(")
    )
    folder = make_submission(
        tmp_path / "s",
        replace={"m01_creation": m01, "m03_broadcasting": m03, "m05_indexing": "def f(:\n"},
    )
    done = subprocess.run(
        [sys.executable, "-m", "grader", "run", "1.2", "3.3", "5.1", "--submission", str(folder),
         "--timeout", "1", "--seed", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    text = done.stdout
    assert text.count("did not finish within 1 s") == 1
    assert "[timed out] all 3 checks (2 pt) for one reason" in text
    assert text.count("has no function named scale_channels(); did you mean scale_chanels()") == 1
    assert text.count("SyntaxError") + text.count("syntax error") == 1
