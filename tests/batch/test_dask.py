"""`grade batch --dask`: a real scheduler and two `dask worker` processes on 127.0.0.1, started
here. The gradebook equals the local pool's, the stored tier is the workers' own, a killed Dask
worker loses nothing, and a scheduler that goes away ends the batch with what is graded saved."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synthetic import make_class
from grader import sandbox
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
DASK = str(Path(sys.executable).parent / "dask")
ONLY = ("--only", "1.1", "--only", "1.2")


def _start(*argv: str, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [DASK, *argv], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(address, scheduler, [worker, worker]): separate processes, stopped at the end."""
    home = tmp_path_factory.mktemp("dask")
    file = home / "scheduler.json"
    scheduler = _start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(file), log=home / "scheduler.log")  # fmt: skip
    deadline = time.monotonic() + 60
    while not file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(file.read_text())["address"]
    workers = [
        _start(
            "worker",
            address,
            "--nthreads",
            "1",
            "--no-dashboard",
            "--name",
            f"w{i}",
            log=home / f"worker{i}.log",
        )
        for i in range(2)
    ]
    with distributed.Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address, scheduler, workers
    for process in [*workers, scheduler]:
        _stop(process)


def batch(downloads: Path, out: Path, *extra: str, timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(downloads), "--out", str(out), *ONLY,
         *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def rows(out: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def graded(out: Path) -> int:
    """Submissions recorded so far (0 while the batch is still creating its gradebook)."""
    try:
        return rows(out, "SELECT COUNT(*) FROM submissions")[0][0]
    except sqlite3.Error:
        return 0


CHECKS = "SELECT student, check_id, outcome, points FROM checks ORDER BY student, check_id"
SUBMISSIONS = "SELECT student, status, score, max_score, tier FROM submissions ORDER BY student"


def _batch_until_graded(downloads: Path, out: Path, address: str, count: int) -> subprocess.Popen:
    """A `grade batch --dask` started in the background, returned once ``count`` are graded."""
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "batch", str(downloads), "--out", str(out), *ONLY,
         "--dask", address],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while graded(out) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


def test_without_dask_installed_the_option_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from grader.cli import main\n"
        f"main(['batch', {str(tmp_path)!r}, '--out', {str(tmp_path / 'o')!r}, "
        "'--dask', 'local:1'])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "grade: error: --dask needs Dask's distributed scheduler: pip install 'tensorgrade[dask]'"
    )


def test_the_gradebook_equals_the_local_pools_and_records_the_workers_tier(cluster, tmp_path):
    address = cluster[0]
    make_class(tmp_path / "class", 6)  # solutions, stubs, a mutant, a hang, a crash
    local = batch(tmp_path / "class", tmp_path / "local", "--jobs", "2", "--timeout", "3")
    assert local.returncode == 0, local.stderr
    on_dask = batch(tmp_path / "class", tmp_path / "dask", "--dask", address, "--timeout", "3")
    assert on_dask.returncode == 0, on_dask.stderr
    assert rows(tmp_path / "dask", CHECKS) == rows(tmp_path / "local", CHECKS)
    assert rows(tmp_path / "dask", SUBMISSIONS) == rows(tmp_path / "local", SUBMISSIONS)
    tiers = {tier for *_, tier in rows(tmp_path / "dask", SUBMISSIONS) if tier}
    assert tiers == {sandbox.probe("auto").tier}  # what the workers really ran at


def test_a_scheduler_that_is_not_there_is_one_line(tmp_path):
    make_class(tmp_path / "class", 1, hang=False, crash=False)
    done = batch(tmp_path / "class", tmp_path / "out", "--dask", "tcp://127.0.0.1:9",
                 timeout=120)  # fmt: skip
    assert done.returncode == 2 and "cannot reach the Dask scheduler" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_killed_dask_worker_loses_nothing(cluster, tmp_path):
    address, _, workers = cluster
    count = 10
    make_class(tmp_path / "class", count, hang=False, crash=False)
    out = tmp_path / "out"
    process = _batch_until_graded(tmp_path / "class", out, address, 2)
    _stop(workers[0])  # mid-batch: its submission in flight is rerun on the other worker
    _stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert rows(out, "SELECT COUNT(*), COUNT(DISTINCT student) FROM submissions") == [
        (count, count)
    ]
    assert rows(out, "SELECT COUNT(*) FROM submissions WHERE status = 'grader_error'") == [(0,)]
    per_student = rows(out, "SELECT student, COUNT(*) FROM checks GROUP BY student")
    assert len({n for _, n in per_student}) == 1


def test_a_scheduler_that_goes_away_ends_the_batch_and_a_rerun_goes_on(cluster, tmp_path):
    address, scheduler, _ = cluster
    count = 12
    make_class(tmp_path / "class", count, hang=False, crash=False)
    out = tmp_path / "out"
    process = _batch_until_graded(tmp_path / "class", out, address, 1)
    _stop(scheduler)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 2, stderr
    assert "went away" in stderr and "Traceback" not in stderr
    assert graded(out) >= 1
    rerun = batch(tmp_path / "class", out, "--dask", "local:1")
    assert rerun.returncode == 0, rerun.stderr
    assert rows(out, "SELECT COUNT(*), COUNT(DISTINCT student) FROM submissions") == [
        (count, count)
    ]


def test_a_worker_that_cannot_give_the_full_tier_stops_the_batch(tmp_path):
    """Each worker probes its own machine: one without bubblewrap (here: a PATH without it)
    refuses the full tier, in one line, instead of grading uncontained."""
    if sandbox.probe("auto").tier != "full":
        pytest.skip("this machine has no full tier to take away")
    file = tmp_path / "scheduler.json"
    scheduler = _start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(file), log=tmp_path / "s.log")  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        bare = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no bwrap on it
        with (tmp_path / "w.log").open("w") as log:
            worker = subprocess.Popen(
                [DASK, "worker", address, "--nthreads", "1", "--no-dashboard"], cwd=ROOT,
                env=bare, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            make_class(tmp_path / "class", 2, hang=False, crash=False)
            done = batch(tmp_path / "class", tmp_path / "out", "--dask", address,
                         "--require-isolation", "full")  # fmt: skip
            assert done.returncode == 2, done.stderr
            assert "cannot isolate at the full tier" in done.stderr.splitlines()[-1]
            assert graded(tmp_path / "out") == 0
        finally:
            _stop(worker)
    finally:
        _stop(scheduler)


def test_a_local_cluster_runs_its_workers_with_dasks_timers_quiet():
    """The cluster ``--dask local`` starts hands its workers the quiet timers (their sampling
    profiler would otherwise wake 100 times a second on cores the judges fill)."""
    from grader.batch.dask_pool import QUIET_TIMERS, DaskPool

    def settings() -> dict:
        import dask

        return {key: dask.config.get(key) for key in QUIET_TIMERS}

    with DaskPool("local", tier="reduced", workers=1) as pool:
        seen = pool.client.run(settings)
    assert list(seen.values()) == [QUIET_TIMERS]
