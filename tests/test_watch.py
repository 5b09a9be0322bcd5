"""`grade watch`: grades, regrades only what a save changed, on a warm judge; Ctrl-C ends it
and leaves nothing running."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SOLUTIONS, STUBS

pytestmark = pytest.mark.slow


def _line(process: subprocess.Popen, timeout_s: float) -> dict:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            line = process.stdout.readline()
            if line:
                return json.loads(line)
        assert process.poll() is None, process.stderr.read()
    raise AssertionError("no report in time")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for leftover processes")
def test_watch_regrades_what_changed_after_a_save_and_stops_cleanly(tmp_path):
    work = tmp_path / "exercises"
    work.mkdir()
    for module in STUBS.glob("m*.py"):
        shutil.copy(module, work / module.name)
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "watch", "1", "--submission", str(work),
         "--json-lines", "--seed", "4", "--interval", "0.1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = _line(process, 120)
        assert {e["id"]: e["score"] for e in first["exercises"]} == {"1.1": 0, "1.2": 0, "1.3": 0}
        # The student solves 1.2 and saves: only 1.2 is graded again, and now it passes.
        stub = (work / "m01_creation.py").read_text()
        solution = (SOLUTIONS / "m01_creation.py").read_text()
        start = solution.index("def arange_reshape")
        end = solution.index("\ndef ", start + 1)
        stub_start = stub.index("def arange_reshape")
        stub_end = stub.index("\ndef ", stub_start + 1)
        (work / "m01_creation.py").write_text(
            stub[:stub_start] + solution[start:end] + stub[stub_end:]
        )
        second = _line(process, 60)
        assert [e["id"] for e in second["exercises"]] == ["1.2"]
        assert second["exercises"][0]["score"] == 2
        assert second["seed"] == first["seed"] == 4
        workers = _children(process.pid)
        assert workers  # the warm zygote
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # (fail, but leave nothing running)
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "stopped watching" in process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    time.sleep(0.5)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
