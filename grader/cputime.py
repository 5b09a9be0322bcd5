"""The worker's CPU time, read from outside it: the kernel's own per-process accounting.

Time budgets are decided on CPU time the judge reads, never on anything the worker reports: a
student who patches every clock in the worker changes nothing here, and another process busy on
the same cores does not slow the count down (CPU time only advances while the worker runs).

Linux gives every process a CPU clock that any process in a parent PID namespace can read by
pid (``clock_gettime`` on ``MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)``: nanoseconds, all
threads, ended threads included). The worker's pid as the host sees it is found once, when the
worker says it is ready and before any student code has run: the worker is the last process of
the single-child chain below the process the judge started (bubblewrap's tree at the full tier)
or below the zygote's child of that pid. Elsewhere there is no such clock: :func:`available`
says so and time checks are skipped with that reason (never measured inside the worker).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

CpuClock = Callable[[], int]
"""Returns the worker's CPU time so far, in nanoseconds."""


def available() -> bool:
    """Whether this platform lets the judge read another process's CPU clock."""
    return sys.platform.startswith("linux") and hasattr(time, "clock_gettime_ns")


def process_cpu_ns(pid: int) -> int:
    """CPU time of process ``pid`` (all its threads, live and ended), in nanoseconds."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)  # CPUCLOCK_SCHED, process-wide


def _children() -> dict[int, list[int]]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    return parents


def _nspids(pid: int) -> list[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return [int(v) for v in line.split()[1:]]
    except (OSError, ValueError):
        pass
    return [pid]


def _zygote_below(root: int, children: dict[int, list[int]]) -> int | None:
    """The shallowest process at or below ``root`` started as a zygote (breadth first: a
    forked worker inherits the command line, but sits deeper). A zygote's command line is
    ``python -I <module or launcher> <arg> --zygote ...`` (see grader.sandbox.zygote_argv);
    bubblewrap's holds the same words much later."""
    queue = [root]
    while queue:
        pid = queue.pop(0)
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[4:5] == [b"--zygote"]:
                return pid
        except OSError:
            pass
        queue.extend(children.get(pid, []))
    return None


def find_worker(root: int, inner_pid: int | None = None) -> int | None:
    """The host pid of the worker below ``root``, a process this judge started.

    With ``inner_pid`` (a worker forked by the zygote started as ``root``), start from the
    zygote's child that is ``inner_pid`` in the zygote's own PID namespace; then follow single
    children down to the worker (at the full tier a supervisor stands between the two).
    """
    children = _children()
    start: int | None = root
    if inner_pid is not None:
        zygote = _zygote_below(root, children)
        if zygote is None:
            return None
        level = len(_nspids(zygote)) - 1  # the zygote's depth: where its pids are written
        start = next(
            (pid for pid in children.get(zygote, []) if _nspids(pid)[level:][:1] == [inner_pid]),
            None,
        )
    if start is None:
        return None
    while len(children.get(start, [])) == 1:
        start = children[start][0]
    return start


def clock_for(root: int, inner_pid: int | None = None) -> CpuClock | None:
    """A reader of the worker's CPU clock, or None where none can be had (not Linux, or the
    worker is already gone)."""
    if not available():
        return None
    pid = find_worker(root, inner_pid)
    if pid is None:
        return None
    try:
        process_cpu_ns(pid)
    except OSError:
        return None
    return lambda: process_cpu_ns(pid)
