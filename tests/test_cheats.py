"""Submissions that try to fool the grader score zero on what they attack."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED, by_id, grade, make_submission

CASES = Path(__file__).parent / "adversarial" / "cases"
# The same attacks as the adversarial corpus (which runs them through the batch judge at each
# isolation tier); here through a single `grade` run.
PATCH_COMPARISONS = (CASES / "patch_comparisons.py").read_text()
LYING_SUBCLASS = (CASES / "lying_subclass.py").read_text()

CONFTEST = """
import pathlib
import pytest

pathlib.Path(__file__).with_name("CONFTEST_RAN").write_text("yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""

IMPORT_SOLUTIONS = """
from solutions.m03_broadcasting import broadcast_shapes, scale_batch_channels, scale_channels
"""

EXIT_AT_IMPORT = """
import os
os._exit(0)
"""


def _zero_on_m03(folder):
    report = grade(folder, exercises=["3.1", "3.3", "3.4", "1.1"], seed=SEED)
    results = by_id(report)
    return report, results


def test_monkeypatched_comparisons_score_zero(tmp_path):
    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": PATCH_COMPARISONS})
    _, results = _zero_on_m03(folder)
    # Patching torch at import is refused by the reflection rule: the module never runs.
    for exercise_id in ("3.1", "3.3", "3.4"):
        assert results[exercise_id].score == 0
        assert results[exercise_id].status == "forbidden"
    assert results["1.1"].status == "passed"


def test_a_lying_tensor_subclass_scores_zero(tmp_path):
    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": LYING_SUBCLASS})
    _, results = _zero_on_m03(folder)
    assert results["3.3"].score == 0 and results["3.4"].score == 0


def test_a_conftest_in_the_submission_is_never_loaded(tmp_path):
    folder = make_submission(
        tmp_path / "s",
        replace={"m03_broadcasting": "def broadcast_shapes(*s):\n    raise NotImplementedError\n"},
        extra={"conftest.py": CONFTEST, "pytest.ini": "[pytest]\naddopts = -p no:python\n"},
    )
    _, results = _zero_on_m03(folder)
    assert not (folder / "CONFTEST_RAN").exists()
    assert results["3.1"].score == results["3.3"].score == results["3.4"].score == 0
    assert results["1.1"].status == "passed"


def test_importing_the_reference_solutions_scores_zero(tmp_path):
    folder = make_submission(tmp_path / "s", replace={"m03_broadcasting": IMPORT_SOLUTIONS})
    _, results = _zero_on_m03(folder)
    for exercise_id in ("3.1", "3.3", "3.4"):
        assert results[exercise_id].score == 0
        assert results[exercise_id].status == "forbidden"
    assert results["1.1"].status == "passed"


def test_exiting_with_status_zero_at_import_scores_zero(tmp_path):
    folder = make_submission(tmp_path / "s", replace={"m03_broadcasting": EXIT_AT_IMPORT})
    _, results = _zero_on_m03(folder)
    assert results["3.1"].score == results["3.3"].score == results["3.4"].score == 0
    assert results["1.1"].status == "passed"
