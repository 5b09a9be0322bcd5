"""A crash, exit, hang, import failure or flood of output costs only the exercise that caused it."""

from __future__ import annotations

import time

import pytest

from tests.conftest import SEED, SOLUTIONS, by_id, grade, make_submission

M03 = (SOLUTIONS / "m03_broadcasting.py").read_text()
M04 = (SOLUTIONS / "m04_reductions.py").read_text()

FAULTS = {
    # 3.1 hangs, 3.3 calls sys.exit, 3.4 crashes its process (a segfault from allowed code:
    # NumPy's as_strided reads far out of bounds; os._exit is refused by the reflection rule)
    "m03_broadcasting": M03.replace(
        "    ndim = max((len(s) for s in shapes), default=0)\n", "    while True:\n        pass\n"
    )
    .replace("    return img * scale\n", "    import sys\n    sys.exit(3)\n")
    .replace(
        "    return imgs * scales[:, None, None, :]\n",
        "    import numpy as np\n"
        "    far = np.lib.stride_tricks.as_strided(np.zeros(1), (1 << 20,), (1 << 40,))\n"
        "    return far.sum()\n",
    ),
    # 4.1 prints 10 MB and is otherwise correct; 4.2 untouched
    "m04_reductions": M04.replace(
        "    return Stats(x.mean()",
        "    print('x' * 10_000_000)\n"
        "    print('\\x1b[2J grade: 100/100')\n"
        "    return Stats(x.mean()",
    ),
    # 5.1: an exception at import time
    "m05_indexing": "raise RuntimeError('broken at import')\n",
    # 7.1: a syntax error
    "m07_autograd": "def autograd_grad(f, x)\n    return x\n",
}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    folder = make_submission(tmp_path_factory.mktemp("faults") / "s", replace=FAULTS)
    started = time.perf_counter()
    report = grade(folder, seed=SEED, timeout_s=1.5)
    return report, time.perf_counter() - started


def test_untouched_exercises_keep_full_marks(faulty):
    results = by_id(faulty[0])
    for exercise_id in ("1.1", "1.2", "4.2"):
        assert results[exercise_id].status == "passed", exercise_id
        assert results[exercise_id].score == results[exercise_id].max_score


def test_a_hang_is_a_timeout_of_its_exercise_only(faulty):
    result = by_id(faulty[0])["3.1"]
    assert result.status == "timed_out" and result.score == 0
    assert any("did not finish within 1.5 s" in (c.message or "") for c in result.checks)


def test_one_hang_is_waited_for_once(faulty):
    # a hang costs one timeout, not one per check of the exercise
    assert faulty[1] < 30


def test_sys_exit_and_a_crash_cost_their_exercise(faulty):
    results = by_id(faulty[0])
    assert results["3.3"].score == 0 and results["3.3"].status == "failed"
    assert any("SystemExit" in (c.message or "") for c in results["3.3"].checks)
    assert results["3.4"].score == 0 and results["3.4"].status == "error"
    assert any("exit code -11" in (c.message or "") for c in results["3.4"].checks)


def test_a_flood_of_output_does_not_break_grading(faulty):
    result = by_id(faulty[0])["4.1"]
    assert result.status == "passed"


def test_import_error_and_syntax_error_are_errors(faulty):
    results = by_id(faulty[0])
    assert results["5.1"].status == "error" and results["5.1"].score == 0
    assert any("broken at import" in (c.message or "") for c in results["5.1"].checks)
    assert results["7.1"].status == "error" and results["7.1"].score == 0
    assert any(
        "SyntaxError" in (c.message or "") or "syntax error" in (c.message or "")
        for c in results["7.1"].checks
    )
