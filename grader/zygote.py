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
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from grader import sandbox
from grader.launch import worker_environment
from grader.sandbox import Isolation

CONNECT_TIMEOUT_S = 120.0


def available() -> bool:
    """Whether this platform can fork workers from a zygote (fd passing needs POSIX)."""
    return os.name == "posix" and hasattr(socket, "send_fds")


class ForkedWorker:
    """The judge's view of a forked worker, with the parts of ``Popen`` that the runner uses.

    The worker is the zygote's child, not ours, and may live in another PID namespace: liveness
    and killing go through the zygote. Its exit code is unknown (``returncode`` becomes -1 once
    it is gone).
    """

    def __init__(
        self,
        zygote: Zygote,
        pid: int,
        stdin: IO[bytes],
        stdout: IO[bytes],
        stderr: IO[bytes],
    ) -> None:
        self._zygote = zygote
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None
        self.reaped_elsewhere = True
        """Nothing to wait for at exit: the zygote reaps it."""

    def poll(self) -> int | None:
        """None while the worker runs, -1 once it is gone (or the zygote is)."""
        if self.returncode is None:
            try:
                alive = bool(self._zygote.request({"op": "alive", "pid": self.pid}).get("alive"))
            except OSError:
                alive = False
            if not alive:
                self.returncode = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the worker is gone; raises TimeoutExpired like ``Popen.wait``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            time.sleep(0.002)
        return -1

    def kill(self) -> None:
        """Have the zygote kill the worker's whole process group."""
        with contextlib.suppress(OSError):
            self._zygote.request({"op": "kill", "pid": self.pid})


class Zygote:
    """A connection to a zygote: started here (``Zygote(cwd)``) or shared (``Zygote.attach``).

    A batch at the reduced tier starts one zygote for all its judges (one torch import and one
    `meta` warm-up for the whole batch); each judge attaches through its socket. At the full
    tier each judge starts its own, inside its own sandbox, and sweeps it between submissions.
    """

    def __init__(
        self,
        cwd: Path | None = None,
        *,
        address: str | None = None,
        isolation: Isolation | None = None,
        readable: list[Path] = (),  # type: ignore[assignment]
    ) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self._folder: str | None = None
        self._runtime: Path | None = None
        if address is None:
            self._folder = tempfile.mkdtemp(prefix="tensorgrade-zygote-")
            address = os.path.join(self._folder, "sock", "zygote.sock")
            os.mkdir(os.path.dirname(address), 0o700)
            if isolation is not None and isolation.tier == "full":
                self._runtime = sandbox.make_runtime(Path(self._folder) / "runtime")
            self.process = start_zygote(
                address, cwd or Path(self._folder), isolation=isolation, runtime=self._runtime,
                readable=list(readable),
            )  # fmt: skip
        self.address = address
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def attach(cls, address: str) -> Zygote:
        """Use a zygote someone else started (it may still be warming up)."""
        return cls(address=address)

    def _connected(self) -> socket.socket:
        if self._closed:
            raise OSError("this zygote connection is closed")
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

    def request(self, message: dict[str, object], fds: list[int] = ()) -> dict[str, object]:  # type: ignore[assignment]
        """Send one request (with file descriptors) and return the answer; OSError if gone."""
        try:
            with self._lock:
                control = self._connected()
                socket.send_fds(control, [json.dumps(message).encode()], list(fds))
                answer = control.recv(4096)
            if not answer:
                raise OSError("the zygote has exited")
            return dict(json.loads(answer))
        except BaseException:
            self._drop_connection()  # reconnect next time (the zygote may have been restarted)
            raise

    def spawn(self, cwd: Path) -> ForkedWorker:
        """Fork a fresh worker in ``cwd``; raises OSError if the zygote is gone."""
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            answer = self.request({"op": "spawn", "cwd": str(cwd)}, [in_r, out_w, err_w])
            pid = int(answer["pid"])  # type: ignore[call-overload]
        except BaseException:
            for fd in (in_w, out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        return ForkedWorker(
            self, pid, os.fdopen(in_w, "wb"), os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb")
        )

    def sweep(self) -> int:
        """Kill whatever earlier workers left running: everything but the zygote inside a
        sandbox, the daemons they left behind outside one."""
        return int(self.request({"op": "sweep"}).get("killed", 0))  # type: ignore[call-overload]

    def _drop_connection(self) -> None:
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.close()
            self._control = None

    def close(self) -> None:
        """Detach (the zygote kills this connection's workers); stop it if we started it."""
        self._closed = True
        self._drop_connection()
        if self.process is not None:
            stop_zygote(self.process, self.address)
            self.process = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def start_zygote(
    address: str,
    cwd: Path,
    *,
    isolation: Isolation | None = None,
    runtime: Path | None = None,
    readable: list[Path] = (),  # type: ignore[assignment]
) -> subprocess.Popen[bytes]:
    """Start a zygote listening on ``address`` (inside a sandbox at the full tier)."""
    isolation = isolation or sandbox.probe("reduced")
    argv = sandbox.worker_argv(isolation, runtime=runtime, readable=list(readable), zygote=address)
    if isolation.tier == "full":
        argv.append("--sweep")
    env = worker_environment()
    env[sandbox.LIMITS_ENV] = isolation.limits.to_env()
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )


def stop_zygote(process: subprocess.Popen[bytes], address: str | None = None) -> None:
    """Stop a zygote we started: asked first (it kills its workers and any daemon they left
    behind), then killed."""
    if address is not None and process.poll() is None:
        with contextlib.suppress(OSError, ValueError):
            control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            control.settimeout(5)
            with control:
                control.connect(address)
                socket.send_fds(control, [b'{"op": "shutdown"}'], [])
                control.recv(64)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    if process.poll() is None:
        process.kill()
    process.wait()
