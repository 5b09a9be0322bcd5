"""Time budgets hold on a loaded machine: CPU time measured from outside the worker.

Through ``grade run``, while another process keeps every core busy: the solutions and the
unusual vectorised variants keep every time point; loops over elements lose theirs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cputime
from grader.checks.expect import TimeBudget, expect_within_budget
from grader.outcomes import CheckFailed
from grader.runner import CpuTiming, Reply
from tests.conftest import MUTANTS, ROOT, make_submission

TIMED = ("3.3", "3.4", "3.5", "5.3", "8.2")
CHUNKED_PIXEL_LOOP = """

def scale_channels(img, scale):
    import torch

    flat = img.reshape(-1, img.shape[-1])
    out = torch.empty(flat.shape, dtype=torch.result_type(img, scale))
    for i in range(0, flat.shape[0], 16):  # a Python loop over pixels, 16 at a time
        out[i : i + 16] = flat[i : i + 16] * scale
    return out.reshape(img.shape)
"""


def _time_outcomes(folder: Path, exercises: tuple[str, ...], report: Path) -> dict[str, str]:
    command = [sys.executable, "-m", "grader", "run", *exercises, "--submission", str(folder)]
    command += ["--timeout", "5", "--seed", "11", "--json", str(report)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(report.read_text())
    return {
        c["id"]: c["outcome"] for e in data["exercises"] for c in e["checks"] if c["kind"] == "time"
    }


@pytest.fixture
def busy_cores():
    """One spinning process per core, for the length of the test."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    yield
    for spinner in spinners:
        spinner.kill()
        spinner.wait()


@pytest.mark.slow
@pytest.mark.skipif(not cputime.available(), reason="outside CPU clocks are Linux-only")
def test_on_a_loaded_machine_vectorised_answers_pass_and_loops_fail(tmp_path, busy_cores):
    variants = ROOT / "tests" / "variants"
    fair = make_submission(
        tmp_path / "fair",
        append={
            "m03_broadcasting": (variants / "broadcast_difference.py").read_text(),
            "m08_devices_perf": (variants / "avg_pool_rolling_mean.py").read_text(),
        },
    )
    outcomes = _time_outcomes(fair, TIMED, tmp_path / "fair.json")
    assert len(outcomes) == len(TIMED) and set(outcomes.values()) == {"passed"}, outcomes

    loops = make_submission(
        tmp_path / "loops",
        append={
            "m03_broadcasting": CHUNKED_PIXEL_LOOP,
            "m05_indexing": (MUTANTS / "m05_nll_row_loop.py").read_text(),
            "m08_devices_perf": (MUTANTS / "m08_rolling_python_loop.py").read_text(),
        },
    )
    outcomes = _time_outcomes(loops, ("3.3", "5.3", "8.2"), tmp_path / "loops.json")
    assert len(outcomes) == 3 and "passed" not in outcomes.values(), outcomes
    # The chunked loop finishes in time: it is the budget that fails it, not the timeout.
    assert outcomes["3.3::check_scale_channels_fast_on_a_megapixel_image"] == "failed"


class _Again:
    def __init__(self, *timings: CpuTiming) -> None:
        self.timings = list(timings)
        self.calls = 0

    def __call__(self) -> Reply:
        self.calls += 1
        return Reply(value=None, inputs_after=(), cpu=self.timings.pop(0))


def _reply(reference_s: float, call_s: float) -> Reply:
    return Reply(value=None, inputs_after=(), cpu=CpuTiming(reference_s, call_s))


F_BUDGET = TimeBudget(what="f", times=100, floor_s=0.02)


def test_a_call_over_budget_is_run_again_and_its_fastest_run_counts():
    again = _Again(CpuTiming(0.001, 0.5), CpuTiming(0.001, 0.05))
    expect_within_budget(_reply(0.001, 0.3), F_BUDGET, again=again)
    assert again.calls == 2


def test_a_call_far_over_budget_is_not_run_again():
    again = _Again()
    with pytest.raises(CheckFailed, match="of CPU time, over its budget of 120 ms"):
        expect_within_budget(_reply(0.001, 5.0), F_BUDGET, again=again)
    assert again.calls == 0


def test_without_an_outside_clock_the_check_says_it_did_not_run():
    with pytest.raises(pytest.skip.Exception, match="needs Linux"):
        expect_within_budget(Reply(value=None, inputs_after=()), F_BUDGET)


def test_a_time_hint_never_names_a_loop_the_code_does_not_have():
    class Handle:
        function = "scale_channels"

        def __init__(self, source: str) -> None:
            self.source_text = source

    looping = Handle("def scale_channels(img, s):\n    return [v for v in img]\n")
    plain = Handle("def scale_channels(img, s):\n    return img * s\n")
    hint = "a loop over pixels is thousands of times slower"
    budget = TimeBudget(what="f", times=100, floor_s=0.02, hint=hint)
    with pytest.raises(CheckFailed, match=hint):
        expect_within_budget(_reply(0.001, 5.0), budget, student=looping)
    with pytest.raises(CheckFailed, match="your code has no Python loop") as caught:
        expect_within_budget(_reply(0.001, 5.0), budget, student=plain)
    assert "loop over pixels" not in str(caught.value)


@pytest.mark.slow
@pytest.mark.skipif(not cputime.available(), reason="outside CPU clocks are Linux-only")
def test_a_loop_far_over_its_budget_is_stopped_and_its_exercise_still_graded(tmp_path):
    """Through ``grade run``: a Python loop over 10^6 rows fails 5.3's time check by being
    stopped (not run to its end), and the check after it still runs on a fresh worker."""
    loops = make_submission(
        tmp_path / "loops", append={"m05_indexing": (MUTANTS / "m05_nll_row_loop.py").read_text()}
    )
    report = tmp_path / "loops.json"
    command = [sys.executable, "-m", "grader", "run", "5.3", "--submission", str(loops)]
    command += ["--timeout", "60", "--seed", "11", "--json", str(report)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    checks = {
        c["id"].split("::")[1]: c for c in json.loads(report.read_text())["exercises"][0]["checks"]
    }
    timed = checks["check_nll_loss_fast_on_a_million_rows"]
    assert timed["outcome"] == "failed"
    assert "was stopped after" in timed["message"] and "Hint: a Python loop" in timed["message"]
    assert checks["check_nll_loss_random_batches"]["outcome"] == "passed"  # (hidden, after it)
