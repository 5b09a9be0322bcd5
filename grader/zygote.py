"""Workers without the wait: a pre-warmed process that forks a fresh worker per submission.

Batch grading starts one zygote per judge: ``python -I -m grader.worker --zygote FD`` imports
torch and warms up `meta` once, then forks a worker whenever asked. A forked worker is ready in
milliseconds instead of the 1-2 s of a fresh interpreter, and it holds nothing of other students:
the zygote itself never imports a submission. POSIX only; elsewhere the judge starts workers
the usual way.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from grader.launch import worker_environment


def available() -> bool:
    """Whether this platform can fork workers from a zygote (fd passing needs POSIX)."""
    return os.name == "posix" and hasattr(socket, "send_fds")


class ForkedWorker:
    """The judge's view of a forked worker, with the parts of ``Popen`` that the runner uses.

    The worker is the zygote's child, not ours: the kernel reaps it, so its exit code is unknown
    (``returncode`` becomes -1 once it is gone) and liveness is read with signal 0.
    """

    def __init__(self, pid: int, stdin: IO[bytes], stdout: IO[bytes], stderr: IO[bytes]) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None
        self.reaped_elsewhere = True
        """Nothing to wait for at exit: the kernel reaps it for the zygote."""

    def poll(self) -> int | None:
        """None while the worker runs, -1 once it is gone."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the worker is gone; raises TimeoutExpired like ``Popen.wait``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            time.sleep(0.001)
        return -1

    def kill(self) -> None:
        """Kill the worker's whole process group (and the worker itself, in case it has not
        yet made the group: it does so first thing after the fork)."""
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)


class Zygote:
    """A running zygote and the socket that asks it for workers."""

    def __init__(self, cwd: Path) -> None:
        self._control, theirs = socket.socketpair()
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.worker", "--zygote", str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env=worker_environment(),
            pass_fds=(theirs.fileno(),),
            start_new_session=True,
        )
        theirs.close()

    def spawn(self, cwd: Path) -> ForkedWorker:
        """Fork a fresh worker in ``cwd``; raises OSError if the zygote is gone."""
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            with self._lock:
                socket.send_fds(
                    self._control, [json.dumps({"cwd": str(cwd)}).encode()], [in_r, out_w, err_w]
                )
                answer = self._control.recv(4096)
            if not answer:
                raise OSError("the zygote has exited")
            pid = int(json.loads(answer)["pid"])
        except BaseException:
            for fd in (in_w, out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        return ForkedWorker(
            pid, os.fdopen(in_w, "wb"), os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb")
        )

    def close(self) -> None:
        """Stop the zygote (its workers are killed by their judges)."""
        with contextlib.suppress(OSError):
            self._control.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
