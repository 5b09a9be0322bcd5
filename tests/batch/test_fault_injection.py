"""Fault injection: kill -9 a worker, a judge, the zygote or the whole batch at random moments,
again and again; every run ends with a complete, consistent gradebook."""

from __future__ import annotations

import os
import random
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


@pytest.mark.parametrize("isolation", ["reduced", "full"])
def test_random_kills_never_lose_or_duplicate_a_grade(tmp_path, isolation):
    if isolation == "full":
        from grader import sandbox

        if sandbox.probe("auto").tier != "full":
            pytest.skip("full isolation is not available here")
    random.seed(20261126)
    make_class(tmp_path / "class", COUNT, hang=False, crash=False)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
               str(out), "--jobs", "2", "--timeout", "5", "--isolation", isolation,
               *ONLY]  # fmt: skip
    env = dict(os.environ, TG_FAULT_INJECTION=str(tmp_path))  # inherited by the batch's processes
    kills = 0
    for round_ in range(6):
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
    assert kills >= 4
    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    deadline = time.monotonic() + 10
    while _left_behind(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _left_behind(str(tmp_path)), "processes of a killed batch are still running"
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
        assert statuses <= {"ok", "error", "timeout"}
    finally:
        db.close()
