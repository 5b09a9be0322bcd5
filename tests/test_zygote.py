"""Workers forked from a zygote: same grades, a fresh start per submission, no orphans, a zygote
that is replaced when it stops answering, and (full tier) workers that are unprivileged and
alone in their own namespaces."""

from __future__ import annotations

import os
import shutil
import signal
import time

import pytest

from grader import sandbox, zygote
from grader.runner import StudentRunner
from tests.conftest import REDUCED, SEED, SOLUTIONS, grade

pytestmark = pytest.mark.skipif(not zygote.available(), reason="zygotes need POSIX fd passing")
FULL_AVAILABLE = sandbox.probe("auto").tier == "full"
NEEDS_BWRAP = pytest.mark.skipif(not FULL_AVAILABLE, reason="full isolation needs bubblewrap")
TIERS = ["reduced", pytest.param("full", marks=NEEDS_BWRAP)]

PEEK = """
import sys

def linspace_like_numpy(start, stop, num):
    return sorted(k for k in sys.modules if k.startswith("_tensorgrade_submission_"))
"""

FACTS = """
import os

def linspace_like_numpy(start, stop, num):
    status = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        status[key] = value.split()[0] if value.split() else ""
    seen = sorted(os.listdir("/tmp"))
    with open("/tmp/left-by-a-worker", "w") as f:
        f.write("x")
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    mount = libc.mount(b"tmpfs", b"/mnt", b"tmpfs", 0, None)
    remount = libc.mount(None, b"/usr", None, 0x20 | 0x1000, None)  # MS_REMOUNT | MS_BIND: rw
    userns = libc.unshare(0x10000000)
    return [os.getuid(), os.getgid(), status["CapEff"], status["CapPrm"], status["CapBnd"],
            os.getpid(), os.getppid(), seen, mount, remount, userns]
"""


def _tier(name: str) -> sandbox.Isolation:
    return REDUCED if name == "reduced" else sandbox.probe("full")


@pytest.fixture(params=TIERS)
def spawner(request, tmp_path):
    readable = tmp_path / "readable"
    readable.mkdir()
    z = zygote.Zygote(tmp_path, isolation=_tier(request.param), readable=[readable])
    z.readable = readable  # type: ignore[attr-defined]
    yield z
    z.close()


def _module(spawner: zygote.Zygote, name: str, source: str):
    module = spawner.readable / name / "m01_creation.py"  # type: ignore[attr-defined]
    module.parent.mkdir()
    module.write_text(source)
    return module


def _call(spawner: zygote.Zygote, module) -> object:
    runner = StudentRunner(timeout_s=30, launcher=spawner.spawn)
    try:
        return runner.call("1.1", module, "linspace_like_numpy", (0, 1, 2)).value
    finally:
        runner.close()


def test_forked_workers_grade_like_fresh_ones(spawner):
    copy = spawner.readable / "solutions"  # type: ignore[attr-defined]
    shutil.copytree(SOLUTIONS, copy)
    report = grade(
        copy, isolation=spawner.isolation, seed=SEED, exercises=("1.1", "3.4", "7.1"),
        launcher=spawner.spawn,
    )  # fmt: skip
    assert report.score == report.max_score == 11
    assert report.isolation["tier"] == spawner.isolation.tier


def test_each_submission_starts_from_the_zygote_not_from_the_last_one(spawner):
    seen = [_call(spawner, _module(spawner, name, PEEK)) for name in ("first", "second")]
    assert seen == [["_tensorgrade_submission_m01_creation"]] * 2


def test_a_crashing_worker_leaves_the_zygote_serving(spawner, tmp_path):
    source = "import os\n\ndef linspace_like_numpy(*a):\n    os._exit(3)\n"
    crash = _module(spawner, "crash", source)
    with pytest.raises(Exception, match="ended the Python process"):
        _call(spawner, crash)
    worker = spawner.spawn(tmp_path)
    assert worker.poll() is None
    worker.kill()
    assert worker.wait(timeout=5) == -signal.SIGKILL  # the zygote saw how it ended
    _close(worker)


@pytest.mark.skipif(os.uname().sysname != "Linux", reason="parent-death signal is Linux-only")
@pytest.mark.parametrize("tier", TIERS)
def test_workers_die_with_the_zygote(tmp_path, tier):
    z = zygote.Zygote(tmp_path, isolation=_tier(tier))
    worker = z.spawn(tmp_path)
    assert z.process is not None
    os.killpg(z.process.pid, signal.SIGKILL)
    z.process.wait()
    assert worker.wait(timeout=10) == -1 and worker.host_lost
    _close(worker)
    z.close()


@pytest.mark.parametrize("tier", TIERS)
def test_a_stopped_zygote_fails_its_ping_in_time_and_is_stopped_for_good(tmp_path, tier):
    z = zygote.Zygote(tmp_path, isolation=_tier(tier))
    assert z.alive()
    assert z.process is not None
    for pid in [z.process.pid, *_descendants(z.process.pid)]:  # bubblewrap and the zygote in it
        os.kill(pid, signal.SIGSTOP)
    started = time.monotonic()
    assert not z.alive()
    assert time.monotonic() - started < zygote.PING_TIMEOUT_S + 2
    with pytest.raises(zygote.ZygoteGone):
        z.spawn(tmp_path)
    process = z.process
    z.close()  # a stopped process is killed too
    assert process.poll() is not None


@pytest.mark.parametrize("tier", TIERS)
def test_a_zygote_exits_when_its_judge_goes_away(tmp_path, tier):
    z = zygote.Zygote(tmp_path, isolation=_tier(tier))
    assert z.alive()
    process = z.process
    assert process is not None
    z._drop()  # the judge's end of the socket pair closes (as when the judge is killed)
    process.wait(timeout=10)


@pytest.mark.skipif(not FULL_AVAILABLE, reason="full isolation needs bubblewrap")
def test_a_sandboxed_worker_is_unprivileged_and_alone(tmp_path):
    readable = tmp_path / "readable"
    readable.mkdir()
    z = zygote.Zygote(tmp_path, isolation=sandbox.probe("full"), readable=[readable])
    z.readable = readable  # type: ignore[attr-defined]
    try:
        first = _call(z, _module(z, "first", FACTS))
        second = _call(z, _module(z, "second", FACTS))
    finally:
        z.close()
    uid, gid, eff, prm, bnd, pid, ppid, _, mount, remount, userns = first
    assert (uid, gid) == (sandbox.SANDBOX_UID, sandbox.SANDBOX_UID)  # as root too
    assert int(eff, 16) == int(prm, 16) == int(bnd, 16) == 0  # no capability at all
    assert (pid, ppid) == (1, 0)  # init of its own PID namespace: the zygote is not visible
    assert mount != 0 and remount != 0 and userns != 0  # no mount, no remount, no namespace
    assert "left-by-a-worker" not in second[7]  # a fresh /tmp for every worker


@pytest.mark.skipif(not FULL_AVAILABLE, reason="full isolation needs bubblewrap")
def test_binds_nested_below_tmp_stay_visible_to_a_worker(tmp_path):
    """A course or virtualenv under /tmp (a clone in /tmp: its .venv and site-packages are two
    binds, one inside the other) must survive the worker's fresh /tmp."""
    outer = tmp_path / "outer"
    inner = outer / "lib" / "inner"
    inner.mkdir(parents=True)
    z = zygote.Zygote(tmp_path, isolation=sandbox.probe("full"), readable=[outer, inner])
    z.readable = inner  # type: ignore[attr-defined]
    try:
        assert _call(z, _module(z, "nested", PEEK)) == ["_tensorgrade_submission_m01_creation"]
    finally:
        z.close()


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return found


def _close(worker: zygote.ForkedWorker) -> None:
    for stream in (worker.stdin, worker.stdout, worker.stderr):
        stream.close()
