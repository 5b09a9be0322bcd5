"""Workers forked from a zygote: same grades, a fresh start per submission, no orphans."""

from __future__ import annotations

import os
import time

import pytest

from grader import zygote
from grader.judge import grade
from grader.runner import StudentRunner
from tests.conftest import SEED, SOLUTIONS

pytestmark = pytest.mark.skipif(not zygote.available(), reason="zygotes need POSIX fd passing")

PEEK = """
import sys

def linspace_like_numpy(start, stop, num):
    return sorted(k for k in sys.modules if k.startswith("_tensorgrade_submission_"))
"""


@pytest.fixture
def spawner(tmp_path):
    z = zygote.Zygote(tmp_path)
    yield z
    z.close()


def test_forked_workers_grade_like_fresh_ones(spawner):
    report = grade(SOLUTIONS, seed=SEED, exercises=("1.1", "3.4", "7.1"), launcher=spawner.spawn)
    assert report.score == report.max_score == 11


def test_each_submission_starts_from_the_zygote_not_from_the_last_one(spawner, tmp_path):
    seen = []
    for name in ("first", "second"):
        module = tmp_path / name / "m01_creation.py"
        module.parent.mkdir()
        module.write_text(PEEK)
        runner = StudentRunner(timeout_s=30, launcher=spawner.spawn)
        try:
            seen.append(runner.call("1.1", module, "linspace_like_numpy", (0, 1, 2)).value)
        finally:
            runner.close()
    assert seen == [["_tensorgrade_submission_m01_creation"]] * 2


def test_a_crashing_worker_leaves_the_zygote_serving(spawner, tmp_path):
    crash = tmp_path / "m01_creation.py"
    crash.write_text("import os\n\ndef linspace_like_numpy(*a):\n    os._exit(3)\n")
    runner = StudentRunner(timeout_s=30, launcher=spawner.spawn)
    try:
        with pytest.raises(Exception, match="ended the Python process"):
            runner.call("1.1", crash, "linspace_like_numpy", (0, 1, 2))
    finally:
        runner.close()
    worker = spawner.spawn(tmp_path)
    assert worker.poll() is None
    worker.kill()
    worker.wait(timeout=5)
    assert worker.poll() == -1
    _close(worker)


@pytest.mark.skipif(os.uname().sysname != "Linux", reason="parent-death signal is Linux-only")
def test_workers_die_with_the_zygote(tmp_path):
    z = zygote.Zygote(tmp_path)
    hang = tmp_path / "m01_creation.py"
    hang.write_text("def linspace_like_numpy(*a):\n    while True:\n        pass\n")
    worker = z.spawn(tmp_path)
    z.process.kill()
    z.process.wait()
    deadline = time.monotonic() + 10
    while worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.poll() == -1
    _close(worker)
    z.close()


def _close(worker: zygote.ForkedWorker) -> None:
    for stream in (worker.stdin, worker.stdout, worker.stderr):
        stream.close()


def test_a_judge_that_goes_away_takes_its_workers_with_it(spawner, tmp_path):
    judge = zygote.Zygote.attach(spawner.address)
    worker = judge.spawn(tmp_path)
    other = spawner.spawn(tmp_path)
    judge.close()  # as when the pool kills a judge: its connection closes

    def alive(pid: int) -> bool:
        return bool(spawner.request({"op": "alive", "pid": pid})["alive"])

    deadline = time.monotonic() + 10
    while alive(worker.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker.pid)
    assert alive(other.pid)  # another judge's worker is untouched
    other.kill()
    for w in (worker, other):
        _close(w)
