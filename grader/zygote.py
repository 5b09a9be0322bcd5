"""Workers without the wait: a pre-warmed process that forks a fresh worker per submission.

Each judge owns one zygote at every tier: ``python -I -m grader.inside.worker --zygote FD
--parent PID`` (under bubblewrap at the full tier) imports torch and warms up `meta` once, then
forks a worker whenever its judge asks. A forked worker is ready in milliseconds instead of the
1-2 s of a fresh interpreter, and it holds nothing of other students: the zygote itself never
imports a submission. The judge and its zygote talk over a socket pair the judge made (no folder
on the host is writable from the sandbox for a socket), every request has a timeout, and a
zygote that stops answering is replaced (see :class:`Zygote`). POSIX only; elsewhere the judge
starts workers the usual way.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from grader import sandbox
from grader.launch import worker_environment
from grader.sandbox import Isolation

STARTUP_TIMEOUT_S = 180.0
"""How long a zygote may take to import torch and warm up (a loaded 2-core machine included)."""
REQUEST_TIMEOUT_S = 10.0
"""How long one request may take: forking a warm process is milliseconds; more is a hang."""
PING_TIMEOUT_S = 5.0


class ZygoteGone(OSError):
    """The zygote exited, was killed, or stopped answering in time."""


def available() -> bool:
    """Whether this platform can fork workers from a zygote (fd passing needs POSIX)."""
    return os.name == "posix" and hasattr(socket, "send_fds")


class ForkedWorker:
    """The judge's view of a forked worker, with the parts of ``Popen`` that the runner uses.

    The worker is the zygote's child, not ours, and may live in another PID namespace: liveness
    and killing go through the zygote. ``returncode`` is its exit status as the zygote saw it
    (negative: killed by that signal), or -1 when the zygote is gone and nobody knows.
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
        self.host_lost = False
        """True when the zygote itself went away, so the worker's own end is unknown."""
        self.reaped_elsewhere = True
        """Nothing to wait for at exit: the zygote reaps it."""

    def poll(self) -> int | None:
        """None while the worker runs, its exit status once it is gone."""
        if self.returncode is None:
            try:
                answer = self._zygote.request({"op": "alive", "pid": self.pid})
            except OSError:
                self.host_lost = True
                self.returncode = -1
                return self.returncode
            if not answer.get("alive"):
                status = answer.get("status")
                self.returncode = int(status) if isinstance(status, int) else -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the worker is gone; raises TimeoutExpired like ``Popen.wait``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            time.sleep(0.002)
        return code

    def host_root(self) -> tuple[int, int]:
        """Where the judge finds this worker among the host's processes: the pid of the
        process it started for the zygote, and the worker's pid as the zygote knows it."""
        process = self._zygote.process
        return (process.pid if process is not None else -1), self.pid

    def kill(self) -> None:
        """Have the zygote kill the worker (and, in a sandbox, its whole PID namespace)."""
        with contextlib.suppress(OSError):
            self._zygote.request({"op": "kill", "pid": self.pid})


class Zygote:
    """A zygote this judge started and owns, at the tier ``isolation`` says.

    ``readable`` are the host folders the sandbox may read (the private copy of the submission
    being graded); nothing is writable.
    """

    def __init__(self, cwd: Path, *, isolation: Isolation, readable: Sequence[Path] = ()) -> None:
        self.isolation = isolation
        self._folder: str | None = tempfile.mkdtemp(prefix="tensorgrade-zygote-")
        runtime = None
        if isolation.tier == "full":
            runtime = sandbox.make_runtime(Path(self._folder) / "runtime")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process: subprocess.Popen[bytes] | None = start_zygote(
                theirs.fileno(), cwd, isolation=isolation, runtime=runtime,
                readable=list(readable),
            )  # fmt: skip
        except BaseException:
            ours.close()
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        finally:
            theirs.close()
        self._control: socket.socket | None = ours
        self._ready = False
        self._lock = threading.Lock()

    def _await_ready(self, control: socket.socket) -> None:
        control.settimeout(STARTUP_TIMEOUT_S)
        try:
            answer = control.recv(4096)
        except OSError as exc:
            raise ZygoteGone(f"the zygote did not start ({exc})") from None
        if not answer or not json.loads(answer).get("ready"):
            raise ZygoteGone("the zygote did not start")
        self._ready = True

    def request(
        self,
        message: dict[str, object],
        fds: Sequence[int] = (),
        *,
        timeout_s: float = REQUEST_TIMEOUT_S,
    ) -> dict[str, object]:
        """Send one request (with file descriptors) and return the answer.

        Raises :class:`ZygoteGone` if the zygote exited or did not answer within ``timeout_s``
        (stopped with SIGSTOP, say); the connection is then dead for good.
        """
        with self._lock:
            control = self._control
            if control is None:
                raise ZygoteGone("this zygote is closed")
            try:
                if not self._ready:
                    self._await_ready(control)
                control.settimeout(timeout_s)
                socket.send_fds(control, [json.dumps(message).encode()], list(fds))
                answer = control.recv(4096)
            except ZygoteGone:
                self._drop()
                raise
            except OSError as exc:
                self._drop()
                raise ZygoteGone(f"the zygote did not answer ({exc})") from None
            if not answer:
                self._drop()
                raise ZygoteGone("the zygote has exited")
            return dict(json.loads(answer))

    def alive(self) -> bool:
        """Whether the zygote is running and answers a ping promptly."""
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            self.request({"op": "ping"}, timeout_s=PING_TIMEOUT_S)
        except OSError:
            return False
        return True

    def spawn(self, cwd: Path) -> ForkedWorker:
        """Fork a fresh worker in ``cwd``; raises ZygoteGone if the zygote is gone."""
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
        """Kill whatever earlier workers left running (in a sandbox: everything but the
        zygote; outside one: the daemons they left behind)."""
        return int(self.request({"op": "sweep"}).get("killed", 0))  # type: ignore[call-overload]

    def _drop(self) -> None:
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.close()
            self._control = None

    def close(self) -> None:
        """Stop the zygote (it kills its workers first), then make sure it is gone."""
        asked = False
        with contextlib.suppress(OSError):
            running = self.process is not None and self.process.poll() is None
            if self._control is not None and self._ready and running:
                self.request({"op": "shutdown"}, timeout_s=PING_TIMEOUT_S)
                asked = True
        with self._lock:
            self._drop()
        if self.process is not None:
            stop_zygote(self.process, grace_s=2.0 if asked else 0.0)
            self.process = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def start_zygote(
    control_fd: int,
    cwd: Path,
    *,
    isolation: Isolation,
    runtime: Path | None,
    readable: list[Path],
) -> subprocess.Popen[bytes]:
    """Start a zygote that talks on the inherited ``control_fd`` (in a sandbox at full)."""
    argv = sandbox.zygote_argv(
        isolation, control_fd=control_fd, parent=os.getpid(), runtime=runtime, readable=readable
    )
    env = worker_environment()
    env[sandbox.LIMITS_ENV] = isolation.limits.to_env()
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
        pass_fds=(control_fd,),
        start_new_session=True,
    )


def stop_zygote(process: subprocess.Popen[bytes], *, grace_s: float = 0.0) -> None:
    """Kill a zygote's whole process group (bubblewrap, and with it its PID namespace) and reap
    it, after ``grace_s`` for one that was asked to shut down. A stopped one dies too."""
    if grace_s > 0 and process.poll() is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_s)
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()
