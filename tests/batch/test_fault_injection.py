"""Fault injection: kill -9 a worker, a judge, the zygote or the whole batch at random moments,
again and again; every run ends with a complete, consistent gradebook."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synthetic import make_class
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find targets"),
]
COUNT = 16
ONLY = ("--only", "1.1", "--only", "1.2", "--only", "3.4", "--only", "7.1")


def _descendants(pid: int) -> list[tuple[int, int, str]]:
    """Every descendant of ``pid``: (pid, parent pid, command line)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [(child, pid) for child in parents.get(pid, [])]
    while stack:
        child, parent = stack.pop()
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            cmdline = ""
        found.append((child, parent, cmdline))
        stack.extend((grandchild, child) for grandchild in parents.get(child, []))
    return found


def _left_behind(marker: str) -> list[int]:
    """Processes that carry this test's environment marker (judges, zygotes, workers, bwrap)."""
    needle = f"TG_FAULT_INJECTION={marker}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _snapshot(batch_pid: int) -> set[tuple[int, str]]:
    """Every process of the batch now (judges, bubblewrap, zygotes, workers and what they
    started, inside a sandbox too), as (pid, start time) so a reused pid is not mistaken."""
    found = {(batch_pid, _start_time(batch_pid))}
    found |= {(pid, _start_time(pid)) for pid, _, _ in _descendants(batch_pid)}
    return {(pid, started) for pid, started in found if started is not None}


def _still_running(seen: set[tuple[int, str]], wait_s: float = 10.0) -> list[int]:
    deadline = time.monotonic() + wait_s
    while True:
        alive = [pid for pid, started in seen if _start_time(pid) == started]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _graded(out: Path) -> int:
    try:
        db = sqlite3.connect(out / "gradebook.sqlite")
        try:
            return db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _victim(batch_pid: int, kind: str) -> int | None:
    """A random judge, zygote or worker of the batch (workers are the zygote's forks, so they
    share its command line: they are told apart by their parent)."""
    tree = _descendants(batch_pid)
    command = {pid: cmd for pid, _, cmd in tree}
    zygotish = {pid for pid, cmd in command.items() if "--zygote" in cmd}
    if kind == "judge":
        candidates = [pid for pid, cmd in command.items() if "grader.batch.server" in cmd]
    elif kind == "zygote":
        candidates = [pid for pid, parent, _ in tree if pid in zygotish and parent not in zygotish]
    else:
        candidates = [pid for pid, parent, _ in tree if pid in zygotish and parent in zygotish]
    return random.choice(candidates) if candidates else None


def test_random_kills_never_lose_or_duplicate_a_grade(tmp_path):
    """At the strongest tier this machine has (the kill handling is the pool's and the same at
    both tiers; the per-tier process trees are killed by the stop and outside-kill tests)."""
    from grader import sandbox

    isolation = sandbox.probe("auto").tier
    random.seed(20261126)
    make_class(tmp_path / "class", COUNT, hang=False, crash=False)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
               str(out), "--jobs", "2", "--timeout", "5", "--isolation", isolation,
               *ONLY]  # fmt: skip
    env = dict(os.environ, TG_FAULT_INJECTION=str(tmp_path))  # inherited by the batch's processes
    kills = 0
    seen: set[tuple[int, str]] = set()
    for round_ in range(4):  # one kill of each kind: worker, judge, zygote, batch
        # --regrade: every round has work in flight to kill, and must not lose earlier grades.
        process = subprocess.Popen(
            [*command, "--regrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(random.uniform(2.0, 4.0))
        seen |= _snapshot(process.pid)
        kind = ["worker", "judge", "zygote", "batch"][round_ % 4]
        if kind == "batch":
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        else:
            victim = _victim(process.pid, kind)
            if victim is not None:
                os.kill(victim, signal.SIGKILL)
                kills += 1
        try:
            process.wait(timeout=240)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"the batch did not finish after a {kind} was killed")
    assert kills >= 3
    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    deadline = time.monotonic() + 10
    while _left_behind(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _left_behind(str(tmp_path)), "processes of a killed batch are still running"
    assert not _still_running(seen), "processes of a killed batch are still running"
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        counts = db.execute("SELECT COUNT(*), COUNT(DISTINCT student) FROM submissions").fetchone()
        assert counts == (COUNT, COUNT)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        orphans = db.execute(
            "SELECT COUNT(*) FROM checks WHERE student NOT IN (SELECT student FROM submissions)"
        ).fetchone()[0]
        assert orphans == 0
        per_student = {n for (n,) in db.execute("SELECT COUNT(*) FROM checks GROUP BY student")}
        assert len(per_student) == 1  # every submission has all its check rows
        statuses = {s for (s,) in db.execute("SELECT status FROM submissions")}
        # (a killed worker is a grader_error, graded again by the final run)
        assert statuses <= {"ok", "error", "timeout"}
    finally:
        db.close()


def _tiers() -> list:
    from grader import sandbox

    full = sandbox.probe("auto").tier == "full"
    return ["reduced", pytest.param("full", marks=pytest.mark.skipif(
        not full, reason="full isolation is not available here"))]  # fmt: skip


def _wait_for_grades(process: subprocess.Popen, out: Path, count: int, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while _graded(out) < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)


CLASS = 8  # enough that a stop lands mid-batch


@pytest.mark.parametrize("tier", _tiers())
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_stopped_batch_leaves_nothing_running_and_resumes(tmp_path, tier, stop):
    """Ctrl-C, SIGTERM, SIGHUP (a closed terminal) or kill -9 in the middle of a batch: every
    judge, zygote and worker is gone, what was graded is kept, and a rerun finishes the rest."""
    if tier == "reduced" and stop != "SIGINT":
        pytest.skip("the same handling at both tiers; kill -9 at reduced: test_run's kill -9 test")
    make_class(tmp_path / "class", CLASS, hang=False, crash=False)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
               str(out), "--jobs", "2", "--isolation", tier, "--only", "1.1"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    _wait_for_grades(process, out, 1, 120)
    seen = _snapshot(process.pid)
    assert len(seen) >= 4, "the batch had not started its judges and zygotes"
    process.send_signal(getattr(signal, stop))
    _, stderr = process.communicate(timeout=60)
    number = getattr(signal, stop)
    if stop == "SIGKILL":
        assert process.returncode == -number
    else:
        assert process.returncode == 128 + number, stderr
        assert f"interrupted ({stop})" in stderr and "Traceback" not in stderr
    assert not _still_running(seen), "a judge, zygote or worker outlived the batch"
    kept = _graded(out)
    assert kept >= 1
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{CLASS - kept} graded now, {kept} unchanged" in rerun.stdout


SLOW_1_1 = """
import time

import torch

_calls = []


def linspace_like_numpy(start, stop, num, *, device=None):
    if not _calls:  # the first call of a worker sleeps: long enough to be killed mid-call
        _calls.append(1)
        time.sleep(2.0)
    return torch.linspace(start, stop, num, dtype=torch.float64, device=device)
"""


@pytest.mark.parametrize("tier", _tiers())
def test_a_worker_killed_from_outside_is_a_grader_fault_graded_again(tmp_path, tier):
    """The OOM killer or an operator kills a worker: not the student's 0 but ``grader_error``,
    said in the summary, and graded again by the next plain run."""
    from tests.conftest import make_submission

    make_submission(tmp_path / "class" / "victim", append={"m01_creation": SLOW_1_1})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
               str(out), "--jobs", "1", "--isolation", tier, "--only", "1.1"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline, victim = time.monotonic() + 120, None
    while victim is None and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        victim = _worker_in_a_call(process.pid, tier)
    assert victim is not None, "no worker was seen running the submission"
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 0, stderr
    assert re.search(r"^  grader_error +1$", stdout, re.M), stdout
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        status, message = db.execute(
            "SELECT s.status, c.message FROM submissions s JOIN checks c ON c.student = s.student"
            " WHERE c.outcome = 'grader_error'"
        ).fetchone()
    finally:
        db.close()
    assert status == "grader_error" and "killed from outside" in message
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "1 graded now, 0 unchanged" in again.stdout, again.stdout


def _worker_in_a_call(batch_pid: int, tier: str) -> int | None:
    """The worker running the submission, once it is in a call: the process at the bottom of
    the zygote's chain (reduced: zygote, worker; full: bubblewrap, its init, zygote, the
    worker's supervisor, the worker inside its own PID namespace), asleep in the student's
    ``time.sleep``."""
    tree = _descendants(batch_pid)
    zygotish = {pid for pid, _, cmd in tree if "--zygote" in cmd}
    parent_of = {pid: parent for pid, parent, _ in tree}

    def depth(pid: int) -> int:
        return 1 + depth(parent_of[pid]) if pid in zygotish else 0

    wanted = 2 if tier == "reduced" else 5
    for pid in zygotish:
        if depth(pid) == wanted and _sleeping(pid):
            return pid
    return None


def _sleeping(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "S"
    except OSError:
        return False
