"""Workers without the wait: a pre-warmed process that forks a fresh worker per submission.

Batch grading starts one zygote for all its judges: ``python -I -m grader.worker --zygote PATH``
imports torch and warms up `meta` once, listens on a Unix socket, then forks a worker whenever a
judge asks. A forked worker is ready in milliseconds instead of the 1-2 s of a fresh
interpreter, and it holds nothing of other students: the zygote itself never imports a
submission. POSIX only; elsewhere the judge starts workers the usual way.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from grader.launch import worker_environment

CONNECT_TIMEOUT_S = 120.0


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
    """A connection to a zygote: started here (``Zygote(cwd)``) or shared (``Zygote.attach``).

    A batch starts one zygote for all its judges (one torch import and one `meta` warm-up for
    the whole batch); each judge attaches to it through its socket.
    """

    def __init__(self, cwd: Path | None = None, *, address: str | None = None) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self._folder: str | None = None
        if address is None:
            self._folder = tempfile.mkdtemp(prefix="tensorgrade-zygote-")
            address = os.path.join(self._folder, "zygote.sock")
            self.process = start_zygote(address, cwd or Path(self._folder))
        self.address = address
        self._control: socket.socket | None = None
        self._lock = threading.Lock()

    @classmethod
    def attach(cls, address: str) -> Zygote:
        """Use a zygote someone else started (it may still be warming up)."""
        return cls(address=address)

    def _connected(self) -> socket.socket:
        if self._control is not None:
            return self._control
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while True:
            control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                control.connect(self.address)
            except OSError:
                control.close()
                gone = self.process is not None and self.process.poll() is not None
                if gone or time.monotonic() > deadline:
                    raise OSError("the zygote is not running") from None
                time.sleep(0.02)  # still importing torch; it listens once it is warm
                continue
            self._control = control
            return control

    def spawn(self, cwd: Path) -> ForkedWorker:
        """Fork a fresh worker in ``cwd``; raises OSError if the zygote is gone."""
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            with self._lock:
                control = self._connected()
                socket.send_fds(
                    control, [json.dumps({"cwd": str(cwd)}).encode()], [in_r, out_w, err_w]
                )
                answer = control.recv(4096)
            if not answer:
                raise OSError("the zygote has exited")
            pid = int(json.loads(answer)["pid"])
        except BaseException:
            for fd in (in_w, out_r, err_r):
                os.close(fd)
            self._drop_connection()  # reconnect next time (the zygote may have been restarted)
            raise
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        return ForkedWorker(
            pid, os.fdopen(in_w, "wb"), os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb")
        )

    def _drop_connection(self) -> None:
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.close()
            self._control = None

    def close(self) -> None:
        """Detach (the zygote kills this connection's workers); stop it if we started it."""
        self._drop_connection()
        if self.process is not None:
            stop_zygote(self.process)
            self.process = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def start_zygote(address: str, cwd: Path) -> subprocess.Popen[bytes]:
    """Start ``python -I -m grader.worker --zygote ADDRESS``; it listens once torch is warm."""
    return subprocess.Popen(
        [sys.executable, "-I", "-m", "grader.worker", "--zygote", address],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        env=worker_environment(),
        start_new_session=True,
    )


def stop_zygote(process: subprocess.Popen[bytes]) -> None:
    """Kill a zygote we started (its workers die with it on Linux; judges kill theirs)."""
    if process.poll() is None:
        process.kill()
    process.wait()
