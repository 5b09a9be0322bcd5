"""The runner: pipelined calls stay in step with the worker, whatever the check reads."""

from __future__ import annotations

import pytest
import torch

from grader.outcomes import CallTimedOut, StudentRaised
from grader.runner import StudentRunner

MODULE = """
def double(x):
    if float(x.sum()) < 0:
        raise ValueError("negative")
    return x * 2

def spin(x):
    while True:
        pass
"""


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    path = tmp_path_factory.mktemp("runner") / "m.py"
    path.write_text(MODULE)
    runner = StudentRunner(timeout_s=1.5)
    yield runner, path
    runner.close()


def test_pipelined_results_come_back_in_order(runner):
    runner_, path = runner
    calls = [((torch.full((2,), float(i)),), {}) for i in range(10)]
    results = list(runner_.iter_calls("a", path, "double", calls))
    assert [float(r.value.data[0]) for r in results] == [2.0 * i for i in range(10)]


def test_an_abandoned_batch_is_drained_before_the_next_call(runner):
    runner_, path = runner
    calls = [((torch.full((2,), v),), {}) for v in (1.0, -1.0, 3.0, 4.0)]
    results = runner_.iter_calls("b", path, "double", calls)
    assert float(next(results).value.data[0]) == 2.0
    assert isinstance(next(results), StudentRaised)
    # the check stops reading here; the next call must not see the two unread replies
    reply = runner_.call("b", path, "double", (torch.full((2,), 5.0),))
    assert float(reply.value.data[0]) == 10.0


def test_a_hang_inside_a_batch_times_out_once(runner):
    runner_, path = runner
    calls = [((torch.ones(1),), {})] * 3
    results = list(runner_.iter_calls("c", path, "spin", calls))
    assert all(isinstance(r, CallTimedOut) for r in results)
    reply = runner_.call("d", path, "double", (torch.ones(2),))
    assert float(reply.value.data[0]) == 2.0
