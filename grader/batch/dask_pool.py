"""``grade batch --dask``: the same judges, one per Dask worker, on any Dask cluster.

Each Dask worker hosts one judge (``python -m grader.batch.server``, the local pool's own),
started by a worker plugin when the worker starts and stopped with it. The judge probes its
machine for the tier the batch asked for and owns a zygote at that tier, so student code runs in
workers forked from it, never in the Dask worker's process. A task is one submission: its files
travel as bytes with the task (capped as at intake), its result comes back as the JSON report,
and only the client writes the gradebook, through the same ``record`` callback as the local
pool. A Dask worker that dies mid-submission has its task rerun elsewhere by the scheduler; the
client records each submission once, whichever run answered.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from grader.batch.pool import Job, JobResult, answered, over_wall_limit
from grader.submission import MAX_SOURCE_BYTES

PLUGIN_NAME = "tensorgrade-judge"
READY_TIMEOUT_S = 180.0
IN_FLIGHT_PER_WORKER = 2
"""Submissions handed to the scheduler per worker at a time: enough to keep every worker busy,
few enough that the client's memory stays flat for any class size."""
WORKERS_TIMEOUT_S = 120.0
"""How long a batch waits for the scheduler's first worker."""
SCHEDULER_GRACE_S = 5.0
WAKE_S = 0.5
"""How often, with no result coming, the batch looks at its connection to the scheduler."""
"""How long the connection to the scheduler may be down before the batch stops."""
INSTALL = "--dask needs Dask's distributed scheduler: pip install 'tensorgrade[dask]'"
QUIET_TIMERS = {
    "distributed.worker.profile.enabled": False,  # its sampler wakes 100 times a second
    "distributed.admin.tick.interval": "1s",  # the blocked-loop watchdog: 50 times a second
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}
"""Dask's own timers, slowed for the clusters ``--dask local`` starts. A judge and its worker
answer each other hundreds of times per submission; where they fill every core, each wake-up of
a timer delays one of those answers (measured: judges 22% slower under Dask's defaults). The
README's recipes set the same for clusters started by hand."""


class DaskUnavailable(Exception):
    """Dask is not installed, or its cluster cannot be reached (one line for the user)."""


class SchedulerGone(Exception):
    """The scheduler went away mid-batch; what was graded is saved (one line for the user)."""


class WorkerIsolationError(Exception):
    """A Dask worker cannot give the tier the batch requires (one line for the user)."""


def distributed_module() -> Any:
    """``distributed``, or DaskUnavailable saying what to install."""
    try:
        import distributed
    except ImportError:
        raise DaskUnavailable(INSTALL) from None
    return distributed


def _plugin_base() -> type:
    try:
        from distributed import WorkerPlugin
    except ImportError:
        return object
    return WorkerPlugin


class JudgePlugin(_plugin_base()):  # type: ignore[misc]
    """Starts this Dask worker's judge (at the tier the batch asked for) and stops it."""

    name = PLUGIN_NAME

    def __init__(self, tier: str) -> None:
        self.tier = tier
        self.isolation: Any = None
        self.error: str | None = None
        self.process: subprocess.Popen[str] | None = None
        self.home: Path | None = None
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"tier": self.tier}  # (sent to each worker: no process or lock travels)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["tier"])  # type: ignore[misc]

    def setup(self, worker: Any = None) -> None:
        """Probe this machine for the tier and start the judge."""
        from grader import sandbox

        try:
            self.isolation = sandbox.probe(self.tier)
        except sandbox.IsolationError as exc:
            self.error = str(exc)
            return
        self.home = Path(tempfile.mkdtemp(prefix="tensorgrade-dask-"))
        self._start()

    def teardown(self, worker: Any = None) -> None:
        """Stop the judge (its zygote and workers die with it) and remove its files."""
        self._stop()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)

    def _start(self) -> None:
        from grader.launch import worker_environment

        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.batch.server", "--isolation",
             self.isolation.to_json(), "--parent", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", env=worker_environment(),
            start_new_session=os.name == "posix",
        )  # fmt: skip
        line = self._readline(READY_TIMEOUT_S)
        if not line or not json.loads(line).get("ready"):
            self._stop()
            raise RuntimeError("the judge on this Dask worker did not start")

    def _stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(OSError):
            if os.name == "posix":
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
        self.process = None

    def _readline(self, timeout_s: float) -> str | None:
        """One protocol line, or None when the judge died or took longer than ``timeout_s``."""
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, timeout_s))
        if not ready:
            return None
        return self.process.stdout.readline() or None

    def grade(self, request: dict[str, Any], files: dict[str, bytes], wall_limit_s: float) -> dict:
        """Grade one submission on this worker's judge; the answer the local pool would get."""
        if self.error is not None:
            return {"isolation_error": self.error}
        with self.lock:
            assert self.home is not None
            folder = self.home / f"sub-{uuid.uuid4().hex[:12]}"
            try:
                path = _write_files(folder, files, bool(request.get("single")))
                for attempt in range(2):  # a judge that died is restarted and asked once more
                    if self.process is None or self.process.poll() is not None:
                        self._stop()
                        self._start()
                    assert self.process is not None and self.process.stdin is not None
                    self.process.stdin.write(json.dumps({**request, "path": str(path)}) + "\n")
                    self.process.stdin.flush()
                    started = time.monotonic()
                    line = self._readline(wall_limit_s)
                    if line is not None:
                        return json.loads(line)
                    if time.monotonic() - started >= wall_limit_s - 0.5:
                        self._stop()
                        return {"timeout": wall_limit_s}
                    self._stop()
                    if attempt == 1:
                        return {"grader_error": "the judge died twice while grading it"}
                return {"grader_error": "unreachable"}
            finally:
                shutil.rmtree(folder, ignore_errors=True)


def _write_files(folder: Path, files: dict[str, bytes], single: bool) -> Path:
    """The submission's files under ``folder``; the path to grade (the one file, or the
    folder of modules)."""
    folder.mkdir(parents=True)
    written = []
    for name, data in files.items():
        target = folder / Path(name).name  # (names are the client's staged module names)
        target.write_bytes(data[:MAX_SOURCE_BYTES])
        written.append(target)
    return written[0] if single and len(written) == 1 else folder


def _quiet_logs() -> None:
    """Silence the client's own log lines (reconnect attempts, tracebacks of cancelled
    coroutines): the batch says what happened in one line of its own."""
    import logging

    for name in [*logging.root.manager.loggerDict, "distributed"]:
        if name.startswith("distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _reachable(address: str) -> None:
    """Fail in seconds, not after the client's long timeout, when nothing listens there."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or parts.hostname is None or parts.port is None:
        return  # (other transports: the client says)
    with socket.create_connection((parts.hostname, parts.port), timeout=5):
        pass


def grade_task(request: dict[str, Any], files: dict[str, bytes], wall_limit_s: float) -> dict:
    """The Dask task: grade one submission on the judge of the worker running it."""
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins[PLUGIN_NAME]
    answer = plugin.grade(request, files, wall_limit_s)
    answer["worker"] = worker.address
    return answer


def submission_files(path: Path) -> dict[str, bytes]:
    """A staged submission's files as bytes (a single module file, or a folder's modules)."""
    if path.is_file():
        return {path.name: path.read_bytes()[:MAX_SOURCE_BYTES]}
    return {p.name: p.read_bytes()[:MAX_SOURCE_BYTES] for p in sorted(path.glob("*.py"))}


class DaskPool:
    """The local pool's interface (``run(jobs, on_result)``) on a Dask cluster."""

    def __init__(self, target: str, *, tier: str, workers: int | None = None) -> None:
        self.target = target
        self.tier = tier
        self.workers = workers
        self._stack = contextlib.ExitStack()
        self.client: Any = None
        self.capacity = IN_FLIGHT_PER_WORKER

    def __enter__(self) -> DaskPool:
        distributed = distributed_module()
        try:
            if self.target == "local":
                import dask

                # (set before the cluster starts: its worker processes take this config along)
                self._stack.enter_context(dask.config.set(QUIET_TIMERS))
                cluster = self._stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=self.workers or 1,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=50,
                    )
                )
                self.client = self._stack.enter_context(distributed.Client(cluster))
            else:
                _reachable(self.target)
                self.client = self._stack.enter_context(
                    distributed.Client(self.target, timeout="20s")
                )
        except (OSError, TimeoutError) as exc:
            self._stack.close()
            raise DaskUnavailable(
                f"cannot reach the Dask scheduler at {self.target}: {exc}"
            ) from None
        _quiet_logs()
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            self._stack.close()
            raise DaskUnavailable(
                f"the Dask scheduler at {self.target} has no worker (waited "
                f"{WORKERS_TIMEOUT_S:g} s): start some with `dask worker {self.target}`"
            ) from None
        self.client.register_plugin(JudgePlugin(self.tier), name=PLUGIN_NAME)
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.capacity = max(1, workers) * IN_FLIGHT_PER_WORKER
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None and self.client.status != "running":
            # (a scheduler that went away: do not wait out the client's reconnect timeout)
            with contextlib.suppress(Exception):
                self.client.close(timeout=2)
        with contextlib.suppress(Exception):
            self._stack.close()

    def run(
        self,
        jobs: Iterable[Job],
        on_result: Callable[[JobResult], None],
        on_start: Callable[[Job], None] | None = None,
    ) -> None:
        """Grade every job on the cluster; ``on_result`` is called in this thread per job."""
        from distributed import wait
        from distributed.client import FuturesCancelledError

        pending: Iterator[Job] = iter(jobs)
        flying: dict[Any, tuple[Job, float]] = {}

        def hand_out() -> None:
            for job in pending:
                request = {
                    "id": job.student, "path": "", "seed": job.seed,
                    "exercises": list(job.exercises), "timeout_s": job.timeout_s,
                    "device": job.device, "single": job.path.is_file(),
                }  # fmt: skip
                future = self.client.submit(
                    grade_task, request, submission_files(job.path), job.wall_limit_s,
                    key=f"tensorgrade-{uuid.uuid4().hex}", pure=False, retries=1,
                )  # fmt: skip
                flying[future] = (job, time.monotonic())
                if on_start is not None:
                    on_start(job)
                if len(flying) >= self.capacity:
                    return

        hand_out()
        lost_since: float | None = None
        try:
            while flying:
                # Woken by the first result, not by polling: each wake-up lands on cores the
                # judges fill. The timeout only lets the scheduler's state be looked at.
                try:
                    finished = wait(list(flying), timeout=WAKE_S, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    finished = None
                except FuturesCancelledError as exc:
                    # (what a client that lost its scheduler does to every future it holds)
                    raise SchedulerGone(self._gone(exc)) from None
                for future in finished.done if finished is not None else ():
                    job, started = flying.pop(future)
                    on_result(self._result(job, started, future))
                    hand_out()
                if finished is not None:
                    continue
                # The client keeps trying to reconnect for a while; a batch should not wait.
                if self.client.status == "running":
                    lost_since = None
                elif lost_since is None:
                    lost_since = time.monotonic()
                elif time.monotonic() - lost_since > SCHEDULER_GRACE_S:
                    raise SchedulerGone(self._gone(None))
        except (OSError, TimeoutError) as exc:
            raise SchedulerGone(self._gone(exc)) from None

    def _gone(self, exc: Exception | None) -> str:
        why = f" ({type(exc).__name__})" if exc else ""
        return (
            f"the Dask scheduler at {self.target} went away{why}; everything graded so far is "
            "saved: run the same command again to go on"
        )

    def _result(self, job: Job, started: float, future: Any) -> JobResult:
        finished = time.monotonic()
        try:
            answer = future.result()
        except Exception as exc:
            if self.client.status not in ("running", "connecting"):
                raise SchedulerGone(self._gone(exc)) from None
            return JobResult(
                job, "grader_error", started, finished,
                message=f"a Dask worker failed while grading it ({type(exc).__name__})",
            )  # fmt: skip
        if "isolation_error" in answer:
            raise WorkerIsolationError(
                f"the Dask worker at {answer.get('worker')} cannot isolate at the "
                f"{self.tier} tier: {answer['isolation_error']}"
            )
        if "timeout" in answer:
            return over_wall_limit(job, started, finished)
        if "grader_error" in answer:
            return JobResult(job, "grader_error", started, finished, message=answer["grader_error"])
        return answered(job, answer, started, finished)
