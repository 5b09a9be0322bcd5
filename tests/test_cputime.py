"""Time budgets are measured from outside the worker: the judge reads the worker's kernel CPU
clock, found before student code runs, for every way a worker is started. Nothing the worker
does to its own clocks changes what the judge reads."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from grader import cputime, sandbox, zygote
from grader.launch import launch_worker
from grader.outcomes import OverBudget
from grader.runner import STOP_AFTER_BUDGETS, CpuBudget, RandomArg, StudentRunner
from tests.conftest import REDUCED

pytestmark = pytest.mark.skipif(not cputime.available(), reason="outside CPU clocks are Linux-only")
FULL = sandbox.probe("auto").tier == "full"
LAUNCHES = [
    "reduced-process",
    "reduced-zygote",
    pytest.param("full-process", marks=pytest.mark.skipif(not FULL, reason="needs bubblewrap")),
    pytest.param("full-zygote", marks=pytest.mark.skipif(not FULL, reason="needs bubblewrap")),
]

PATCHED_CLOCKS = """
import time

import torch

_frozen = time.perf_counter()
time.perf_counter = lambda: _frozen
time.process_time = lambda: 0.0
time.thread_time = lambda: 0.0
time.monotonic = lambda: 0.0


def scale_channels(img, scale):
    out = img.clone()
    flat = out.reshape(-1, img.shape[-1])
    for i in range(20000):  # a loop over pixels: slow however the clocks are patched
        flat[i] = flat[i] * scale
    return out


def spin(img, scale):
    while True:
        pass
"""


@pytest.fixture(params=LAUNCHES)
def runner(request, tmp_path):
    tier, how = request.param.split("-")
    isolation = REDUCED if tier == "reduced" else sandbox.probe("full")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "m03_broadcasting.py").write_text(PATCHED_CLOCKS)
    spawner = None
    if how == "zygote":
        spawner = zygote.Zygote(tmp_path, isolation=isolation, readable=[folder])
        launcher = spawner.spawn
    elif tier == "full":
        runtime = sandbox.make_runtime(tmp_path / "runtime")
        argv = sandbox.worker_argv(isolation, runtime=runtime, readable=[folder])
        launcher = functools.partial(launch_worker, argv=argv, limits=isolation.limits.to_env())
    else:
        launcher = functools.partial(launch_worker, limits=isolation.limits.to_env())
    work = tmp_path / "work"
    work.mkdir()
    run = StudentRunner(timeout_s=60, workdir=work, launcher=launcher)
    run.module = folder / "m03_broadcasting.py"  # type: ignore[attr-defined]
    yield run
    run.close()
    if spawner is not None:
        spawner.close()


def test_the_clock_read_is_the_workers_own(runner):
    worker = runner._ready_worker()
    assert worker.cpu_clock is not None
    root, inner = getattr(worker.process, "host_root", lambda: (worker.process.pid, None))()
    host_pid = cputime.find_worker(root, inner)
    assert cputime._nspids(host_pid)[-1] == worker.own_pid


def test_patched_clocks_in_the_worker_change_nothing(runner):
    args = (RandomArg((256, 256, 3), 1), RandomArg((3,), 2))
    reply = runner.call(
        "3.3", Path(runner.module), "scale_channels", args, options={"time_reference": "sum"}
    )
    assert reply.cpu is not None
    # 20,000 Python iterations take tens of ms of CPU whatever the worker's clocks say.
    assert reply.cpu.call_s > 0.02
    assert reply.cpu.call_s > 20 * reply.cpu.reference_s


# (the stop is the same for every launch; a zygote's worker is the cheap one to replace)
@pytest.mark.parametrize("runner", [p for p in LAUNCHES if "zygote" in str(p)], indirect=True)
def test_a_timed_call_far_over_its_budget_is_stopped_and_the_exercise_goes_on(runner):
    args = (RandomArg((64, 64, 3), 1), RandomArg((3,), 2))
    budget = CpuBudget(times=10, floor_s=0.05)
    timed = {"time_reference": "sum", "cpu_budget": budget}
    with pytest.raises(OverBudget) as stopped:
        # (never stopped, it would end as a timeout after 30 s of wall clock instead)
        runner.call("3.3", Path(runner.module), "spin", args, options=timed, timeout_s=30)
    assert stopped.value.call_s > STOP_AFTER_BUDGETS * budget.limit_s(stopped.value.reference_s)
    # Stopping is not a crash: the exercise's next call runs, in a fresh worker.
    image = (RandomArg((256, 256, 3), 1), RandomArg((3,), 2))
    reply = runner.call("3.3", Path(runner.module), "scale_channels", image)
    assert tuple(reply.value.shape) == (256, 256, 3)
