"""N long-lived judges grading a queue of submissions in parallel.

Each slot is a ``python -m grader.batch.server`` process (torch imported once per slot) that is
handed the batch's :class:`Isolation` and owns one zygote at that tier, which forks a fresh worker
per submission. The pool hands out one
submission at a time per slot, enforces a wall limit per submission from outside (the slot is
killed and restarted), and retries once a submission whose judge died, in case the death was the
machine's and not the submission's.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from grader.launch import worker_environment
from grader.sandbox import Isolation

STARTUP_TIMEOUT_S = 180.0
MAX_ATTEMPTS = 2


@dataclass(frozen=True)
class Job:
    """One submission to grade."""

    student: str
    path: Path
    seed: int
    exercises: tuple[str, ...]
    timeout_s: float
    wall_limit_s: float
    device: str = "auto"


@dataclass(frozen=True)
class JobResult:
    """How a job ended: ``report`` (graded), ``problem`` (not gradable), ``error``, ``timeout``,
    ``grader_error`` (the grader failed, not the submission)."""

    job: Job
    kind: str
    started_at: float
    finished_at: float
    report: dict[str, Any] | None = None
    message: str | None = None

    @property
    def duration_s(self) -> float:
        """Wall time from hand-out to answer."""
        return round(self.finished_at - self.started_at, 3)


def answered(job: Job, answer: dict[str, Any], started: float, finished: float) -> JobResult:
    """A judge's answer (one JSON line of ``grader.batch.server``) as a JobResult."""
    if "report" in answer:
        return JobResult(job, "report", started, finished, report=answer["report"])
    if "problem" in answer:
        return JobResult(job, "problem", started, finished, message=answer["problem"])
    return JobResult(job, "error", started, finished, message=str(answer.get("error")))


def over_wall_limit(job: Job, started: float, now: float) -> JobResult:
    """The result of a submission whose grading the pool stopped at its wall limit."""
    return JobResult(
        job, "timeout", started, now,
        message=f"grading took longer than {job.wall_limit_s:g} s in all; the grader stopped it",
    )  # fmt: skip


@dataclass
class _Slot:
    index: int
    process: subprocess.Popen[str]
    ready: bool = False
    job: Job | None = None
    started: float = 0.0
    spawned: float = field(default_factory=time.monotonic)


class JudgePool:
    """Parallel judges; use as a context manager so every process is stopped on exit."""

    def __init__(self, size: int, *, isolation: Isolation, log: IO[str] | None = None) -> None:
        self.size = max(1, int(size))
        self.isolation = isolation
        self._log = log
        self._events: queue.Queue[tuple[int, int, str | None]] = queue.Queue()
        self._slots: list[_Slot] = []
        self.restarts = 0

    def __enter__(self) -> JudgePool:
        self._slots = [self._start(i) for i in range(self.size)]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, index: int) -> _Slot:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "grader.batch.server"),
                *("--isolation", self.isolation.to_json(), "--parent", str(os.getpid())),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log if self._log is not None else subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=worker_environment(),
            start_new_session=os.name == "posix",
        )
        threading.Thread(target=self._read, args=(index, process), daemon=True).start()
        return _Slot(index=index, process=process)

    def _read(self, index: int, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._events.put((index, process.pid, line))
        self._events.put((index, process.pid, None))

    def _kill(self, slot: _Slot) -> None:
        with contextlib.suppress(OSError):
            if os.name == "posix":
                os.killpg(slot.process.pid, signal.SIGKILL)
            else:
                slot.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            slot.process.wait(timeout=5)

    def _restart(self, slot: _Slot) -> _Slot:
        self._kill(slot)
        self.restarts += 1
        fresh = self._start(slot.index)
        self._slots[slot.index] = fresh
        return fresh

    def close(self) -> None:
        """Stop every judge (their zygotes and workers die with them)."""
        for slot in self._slots:
            with contextlib.suppress(OSError, ValueError):
                if slot.process.stdin is not None:
                    slot.process.stdin.close()
        deadline = time.monotonic() + 3
        for slot in self._slots:
            with contextlib.suppress(subprocess.TimeoutExpired):
                slot.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            self._kill(slot)

    def run(
        self,
        jobs: Iterable[Job],
        on_result: Callable[[JobResult], None],
        on_start: Callable[[Job], None] | None = None,
    ) -> None:
        """Grade every job; ``on_result`` is called in this thread as each one ends."""
        pending: deque[Job] = deque(jobs)
        attempts: dict[str, int] = {}
        while pending or any(s.job is not None for s in self._slots):
            for slot in self._slots:
                if slot.ready and slot.job is None and pending:
                    job = pending.popleft()
                    if self._send(slot, job):
                        if on_start is not None:
                            on_start(job)
                    else:
                        pending.appendleft(job)
                        self._restart(slot)
            wait = 0.5
            now = time.monotonic()
            for slot in self._slots:
                if slot.job is not None:
                    wait = min(wait, slot.started + slot.job.wall_limit_s - now)
            try:
                index, pid, line = self._events.get(timeout=max(0.01, wait))
            except queue.Empty:
                index, pid, line = -1, -1, ""
            if index >= 0 and self._slots[index].process.pid == pid:
                self._event(self._slots[index], line, pending, attempts, on_result)
            self._enforce_limits(on_result)

    def _send(self, slot: _Slot, job: Job) -> bool:
        request = {
            "id": job.student,
            "path": str(job.path),
            "seed": job.seed,
            "exercises": list(job.exercises),
            "timeout_s": job.timeout_s,
            "device": job.device,
        }
        try:
            assert slot.process.stdin is not None
            slot.process.stdin.write(json.dumps(request) + "\n")
            slot.process.stdin.flush()
        except (OSError, ValueError):
            return False
        slot.job = job
        slot.started = time.monotonic()
        return True

    def _event(
        self,
        slot: _Slot,
        line: str | None,
        pending: deque[Job],
        attempts: dict[str, int],
        on_result: Callable[[JobResult], None],
    ) -> None:
        if line is None:  # the judge died
            job = slot.job
            self._restart(slot)
            if job is None:
                return
            attempts[job.student] = attempts.get(job.student, 0) + 1
            if attempts[job.student] < MAX_ATTEMPTS:
                pending.appendleft(job)
                return
            on_result(
                JobResult(
                    job,
                    "grader_error",
                    slot.started,
                    time.monotonic(),
                    message="the grader's judge process died twice while grading this submission",
                )
            )
            return
        try:
            answer = json.loads(line)
        except ValueError:
            return
        if answer.get("ready"):
            slot.ready = True
            return
        job = slot.job
        if job is None or answer.get("id") != job.student:
            return
        slot.job = None
        on_result(answered(job, answer, slot.started, time.monotonic()))

    def _enforce_limits(self, on_result: Callable[[JobResult], None]) -> None:
        now = time.monotonic()
        for slot in list(self._slots):
            if slot.job is not None and now - slot.started > slot.job.wall_limit_s:
                job = slot.job
                self._restart(slot)
                on_result(over_wall_limit(job, slot.started, now))
            elif not slot.ready and now - slot.spawned > STARTUP_TIMEOUT_S:
                raise RuntimeError(
                    "a grading process did not start; see the log in the output folder"
                )
