"""The judge's handle on the untrusted worker: start it, call student functions, time them out.

A :class:`StudentRunner` owns one worker process at a time for one submission. Each call has a
wall-clock limit enforced from here by killing the worker's whole process group; a dead or killed
worker is replaced for the remaining exercises, and the exercise that broke it is marked so its
later checks are answered at once with the same outcome instead of costing another restart.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from grader import cputime
from grader.inside import protocol
from grader.launch import launch_worker
from grader.outcomes import (
    CallTimedOut,
    FunctionMissing,
    GraderFault,
    GradingError,
    NotAttempted,
    OverBudget,
    StudentRaised,
    describe_error,
)
from grader.terminal_text import for_terminal

DEFAULT_TIMEOUT_S = 10.0
STARTUP_TIMEOUT_S = 120.0
STOP_AFTER_BUDGETS = 4.0
"""A timed call is stopped once its CPU time passes this many budgets: past it the budget check
fails it without another run (:func:`grader.checks.expect.expect_within_budget`), so letting a
Python loop over a million values run on would only cost time."""
BUDGET_POLL_S = 0.02
"""How often the judge reads a timed call's CPU clock while it waits for the reply."""
OUTPUT_TAIL_BYTES = 64 * 1024
"""Student output kept (the last 64 KiB); the rest is drained and dropped."""


@dataclass(frozen=True)
class TensorArg:
    """An input tensor as the check wants it in the worker.

    ``data`` holds the logical values after ``layout`` is applied to ``base``: the worker receives
    ``base``, moves it to ``device``, applies the layout ops (transpose, permute, expand, slice) and
    sets ``requires_grad`` on the result.
    """

    base: torch.Tensor
    device: str = "cpu"
    layout: tuple[tuple[Any, ...], ...] = ()
    requires_grad: bool = False
    grad: torch.Tensor | None = None
    """Set as the input's ``.grad`` in the worker (e.g. parameters before an optimizer step)."""


@dataclass(frozen=True)
class RandomArg:
    """A large seeded random input made in the worker, so it never crosses the pipe."""

    shape: tuple[int, ...]
    seed: int
    dtype: torch.dtype = torch.float32
    low: float = 0.0
    high: float = 1.0
    device: str = "cpu"


@dataclass(frozen=True)
class FunctionArg:
    """A function from :mod:`grader.inside.functions`, named rather than shipped."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReturnedTensor:
    """A tensor the student's function returned: its values (None on meta) and live facts."""

    facts: dict[str, Any]
    data: torch.Tensor | None

    @property
    def shape(self) -> torch.Size:
        """The shape the worker saw."""
        return torch.Size(self.facts.get("shape", []))

    @property
    def dtype(self) -> torch.dtype:
        """The dtype the worker saw."""
        return protocol.dtype_from_name(str(self.facts.get("dtype")))

    @property
    def device(self) -> str:
        """The device the worker saw, e.g. ``"cpu"`` or ``"meta"``."""
        return str(self.facts.get("device"))


@dataclass(frozen=True)
class InputAfter:
    """An input tensor as it was right after the call."""

    value: ReturnedTensor | None
    """The values after the call; None unless the check asked for them."""
    version_delta: int
    requires_grad: bool
    grad: ReturnedTensor | None
    is_leaf: bool = True
    grad_fn: str | None = None
    same_object: bool | None = None
    """For list elements: is the list still holding the very object that was passed?"""
    same_storage: bool | None = None
    backward_ok: bool | None = None


@dataclass(frozen=True)
class CpuTiming:
    """CPU time the judge read from the worker's kernel clock around a timed call."""

    reference_s: float
    """The fastest run of the reference operation on the same inputs."""
    call_s: float
    """The student's call (with the little it takes to describe the result)."""


@dataclass(frozen=True)
class CpuBudget:
    """What a timed call may cost: ``times`` x the fastest reference run + ``floor_s`` of CPU."""

    times: float
    floor_s: float

    def limit_s(self, reference_s: float) -> float:
        """The budget in seconds, given the fastest reference run."""
        return self.times * reference_s + self.floor_s


@dataclass(frozen=True)
class Reply:
    """What one call of a student function gave back."""

    value: Any
    inputs_after: tuple[InputAfter | None, ...]
    elements_after: dict[str, InputAfter] = field(default_factory=dict)
    """Tensors inside list arguments, keyed ``"<arg index>.<position>"``."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Probe results: structure, write_through."""
    fake_clock: dict[str, Any] | None = None
    """With a fake clock, counted by the judge: ``calls`` (runs of the work), ``syncs`` and
    ``syncs_before_call`` (synchronize calls so far at each run)."""
    cpu: CpuTiming | None = None
    """With a time reference: what the judge measured (None where it cannot measure)."""


MarkHandler = Callable[[dict[str, Any]], dict[str, Any]]
"""Answers one mark frame of a call in progress (the worker waits for the answer)."""


class _Stopwatch:
    """Reads the worker's CPU clock at each mark of a timed call and at its reply; with a
    budget, says when the call has run past :data:`STOP_AFTER_BUDGETS` of it."""

    def __init__(self, clock: Callable[[], int], budget: CpuBudget | None = None) -> None:
        self.clock = clock
        self.budget = budget
        self.marks: list[tuple[str, int]] = []

    def past_stop(self) -> CpuTiming | None:
        """The timing so far if the student's call has used more CPU than it may before it is
        stopped; None while it may go on (or before it started, or without a budget)."""
        if self.budget is None or not self.marks or self.marks[-1][0] != "call":
            return None
        times = [at for _, at in self.marks]
        runs = [b - a for (name, a), b in zip(self.marks, times[1:]) if name == "reference"]
        if not runs:
            return None
        reference_s, call_s = min(runs) / 1e9, (self.clock() - times[-1]) / 1e9
        if call_s <= STOP_AFTER_BUDGETS * self.budget.limit_s(reference_s):
            return None
        return CpuTiming(reference_s=reference_s, call_s=call_s)

    def __call__(self, envelope: dict[str, Any]) -> dict[str, Any]:
        self.marks.append((str(envelope.get("mark")), self.clock()))
        return {"op": "go"}

    def result(self) -> CpuTiming | None:
        """The fastest reference run and the call, once the reply has come (None if the worker
        did not mark as asked)."""
        ended = self.clock()
        names = [name for name, _ in self.marks]
        if not names or names[-1] != "call" or "reference" not in names:
            return None
        times = [at for _, at in self.marks]
        runs = [b - a for (name, a), b in zip(self.marks, times[1:]) if name == "reference"]
        return CpuTiming(reference_s=min(runs) / 1e9, call_s=(ended - times[-1]) / 1e9)


class _FakeClockDriver:
    """Hands the worker's fake clock its next interval when the student's fn runs, and counts
    runs and synchronize calls here, where student code cannot change the count."""

    def __init__(self, intervals: Sequence[float]) -> None:
        self.intervals = [float(v) for v in intervals]
        self.calls = 0
        self.syncs = 0
        self.syncs_before_call: list[int] = []

    def __call__(self, envelope: dict[str, Any]) -> dict[str, Any]:
        if envelope.get("mark") == "sync":
            self.syncs += 1
            return {"op": "go"}
        step = self.intervals[self.calls] if self.calls < len(self.intervals) else 1.0
        self.calls += 1
        self.syncs_before_call.append(self.syncs)
        return {"op": "go", "advance": step}

    def facts(self) -> dict[str, Any]:
        """What the checks of 8.3 read."""
        return {
            "calls": self.calls,
            "syncs": self.syncs,
            "syncs_before_call": list(self.syncs_before_call),
        }


def _optional_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _input_after(item: dict[str, Any], tensors: dict[str, torch.Tensor]) -> InputAfter:
    """Rebuild the facts the worker measured about one input after the call."""
    value = item.get("value")
    return InputAfter(
        value=None if value is None else protocol.decode(value, tensors, tensor_hook=_wrap_tensor),
        version_delta=int(item["version_delta"]),
        requires_grad=bool(item["requires_grad"]),
        grad=protocol.decode(item.get("grad"), tensors, tensor_hook=_wrap_tensor),
        is_leaf=bool(item.get("is_leaf", True)),
        grad_fn=item.get("grad_fn"),
        same_object=_optional_bool(item.get("same_object")),
        same_storage=_optional_bool(item.get("same_storage")),
        backward_ok=_optional_bool(item.get("backward_ok")),
    )


class _ArgEncoder(protocol.Encoder):
    def encode(self, value: Any) -> Any:
        if isinstance(value, TensorArg):
            node = self._encode_tensor(value.base)
            node.update(
                device=value.device,
                shape=list(value.base.shape),
                dtype=protocol.dtype_name(value.base.dtype),
                layout=[list(op) for op in value.layout],
                requires_grad=value.requires_grad,
            )
            if value.grad is not None:
                node["grad"] = self._encode_tensor(value.grad)
            if value.device == "meta":
                self.tensors.pop(node["__tensor__"], None)
                node["__tensor__"] = None
            return node
        if isinstance(value, RandomArg):
            return {
                "__random__": {
                    "shape": list(value.shape),
                    "seed": value.seed,
                    "dtype": protocol.dtype_name(value.dtype),
                    "low": value.low,
                    "high": value.high,
                    "device": value.device,
                }
            }
        if isinstance(value, FunctionArg):
            return {
                "__function__": value.name,
                "params": {k: self.encode(v) for k, v in value.params.items()},
            }
        return super().encode(value)


def _wrap_tensor(node: dict[str, Any], tensor: torch.Tensor | None) -> ReturnedTensor:
    facts = {k: v for k, v in node.items() if k != "__tensor__"}
    if tensor is not None and list(tensor.shape) != list(facts.get("shape", tensor.shape)):
        raise protocol.ProtocolError("tensor data does not match its declared shape")
    return ReturnedTensor(facts=facts, data=tensor)


Launcher = Callable[[Path], Any]
"""Starts a worker in a folder and returns a ``Popen``-like handle (see :mod:`grader.zygote`)."""


class WorkerProcess:
    """One running worker: a child process, a frame reader thread and an output drain thread."""

    def __init__(
        self,
        *,
        cwd: Path,
        max_blob_bytes: int = protocol.DEFAULT_MAX_BLOB_BYTES,
        process: Any = None,
    ) -> None:
        self.process = process or launch_worker(cwd)
        self.max_blob_bytes = max_blob_bytes
        self._frames: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._output_tail = bytearray()
        self.output_bytes = 0
        """Bytes the worker has printed so far (the tail keeps the last 64 KiB of them)."""
        self.ready = False
        self.own_pid: int | None = None
        """The pid the worker gave in its ready frame (in its own PID namespace)."""
        self.cpu_clock: Callable[[], int] | None = None
        """The worker's CPU clock, read from outside (set once it is ready; None elsewhere)."""
        threading.Thread(target=self._read_frames, daemon=True).start()
        threading.Thread(target=self._drain_output, daemon=True).start()

    def _read_frames(self) -> None:
        assert self.process.stdout is not None
        while True:
            try:
                frame = protocol.read_frame(self.process.stdout, max_blob_bytes=self.max_blob_bytes)
            except EOFError:
                self._frames.put(("eof", None))
                self._close_quietly(self.process.stdout)
                return
            except (protocol.ProtocolError, OSError, ValueError) as exc:
                self._frames.put(("bad", exc))
                self._close_quietly(self.process.stdout)
                return
            self._frames.put(("frame", frame))

    @staticmethod
    def _close_quietly(stream: Any) -> None:
        with contextlib.suppress(OSError, ValueError):
            stream.close()

    def _drain_output(self) -> None:
        # Keep draining so a flood of prints never blocks the worker; keep only the tail.
        assert self.process.stderr is not None
        with contextlib.suppress(OSError, ValueError):
            while chunk := self.process.stderr.read1(65536):  # type: ignore[attr-defined]
                self._output_tail = (self._output_tail + chunk)[-OUTPUT_TAIL_BYTES:]
                self.output_bytes += len(chunk)
        self._close_quietly(self.process.stderr)

    def printed_since(self, mark: int, lines: int = 8) -> str:
        """The last lines printed since ``output_bytes`` was ``mark`` (made safe for a
        terminal). The worker flushes its output before each reply; this waits a moment for
        the drain to catch up with what is already in the pipe."""
        deadline = time.monotonic() + 0.05
        with contextlib.suppress(OSError, ValueError):
            fd = self.process.stderr.fileno()  # type: ignore[union-attr]
            while time.monotonic() < deadline and select.select([fd], [], [], 0)[0]:
                time.sleep(0.001)
        new = self.output_bytes - mark
        if new <= 0:
            return ""
        raw = bytes(self._output_tail[-new:])
        text = for_terminal(raw.decode("utf-8", "replace")).strip()
        return "\n".join(text.splitlines()[-lines:])

    def output_tail(self, lines: int = 6) -> str:
        """The last lines the worker printed (for crash messages), with terminal escape sequences
        and control characters removed so they can't restyle or rewrite the reader's screen."""
        text = for_terminal(bytes(self._output_tail).decode("utf-8", "replace"))
        return "\n".join(text.strip().splitlines()[-lines:])

    def wait(self, timeout: float) -> tuple[str, Any]:
        """The next event: ("frame", (envelope, blob)), ("eof" | "bad" | "timeout", detail)."""
        try:
            return self._frames.get(timeout=timeout)
        except queue.Empty:
            return ("timeout", None)

    def send(self, envelope: dict[str, Any], blob: bytes = b"") -> bool:
        """Send a frame; False if the worker is gone."""
        try:
            assert self.process.stdin is not None
            protocol.write_frame(self.process.stdin, envelope, blob)
        except (BrokenPipeError, OSError, ValueError):
            return False
        return True

    def kill(self) -> None:
        """Kill the worker and everything it started in its process group."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                if os.name == "posix" and isinstance(self.process, subprocess.Popen):
                    os.killpg(self.process.pid, signal.SIGKILL)
                else:  # Windows, or a forked worker: it knows how to kill its group
                    self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        # Only our end of stdin is closed here. The reading ends are closed by their reader
        # threads at end of file: a process the worker forked may still hold the pipes open,
        # and closing a stream another thread is blocked reading would block us too.
        with contextlib.suppress(OSError, ValueError):
            if self.process.stdin is not None:
                self.process.stdin.close()

    def close(self) -> None:
        """Ask the worker to exit, then make sure it is gone."""
        self.send({"op": "exit"})
        if not getattr(self.process, "reaped_elsewhere", False):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=1)
        self.kill()


def _killed_from_outside(process: Any) -> str | None:
    """Why a worker that ended on its own was not the student's doing, or None if it may be.

    The judge kills workers only on a timeout (reported as such). A SIGKILL it did not send comes
    from outside: student code cannot send it to itself in the full sandbox (it is init of its
    own PID namespace) and its CPU limit sends SIGXCPU first; so it is the out-of-memory killer
    or an operator. A zygote that vanished took the worker with it.
    """
    if getattr(process, "host_lost", False):
        return "the grader's worker host stopped while this ran (a grader fault, not your code)"
    if process.returncode == -getattr(signal, "SIGKILL", 9):
        return (
            "the worker was killed from outside the grader (the system's out-of-memory killer "
            "or an operator); this is a grader fault, not your code"
        )
    return None


class StudentRunner:
    """Calls a submission's functions in a worker, one call at a time, with per-call timeouts."""

    def __init__(
        self,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        workdir: Path | None = None,
        prelaunched: subprocess.Popen[bytes] | None = None,
        launcher: Launcher | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self._launcher = launcher
        self._tempdir = None if workdir else tempfile.TemporaryDirectory(prefix="tensorgrade-")
        self.workdir = Path(workdir or self._tempdir.name)  # type: ignore[union-attr]
        self._broken: dict[str, Exception] = {}
        self._next_id = 0
        self.restarts = 0
        self._worker: WorkerProcess | None = None
        self._worker = WorkerProcess(cwd=self.workdir, process=prelaunched or self._launch())
        self._pending: list[tuple[str, WorkerProcess, Path, str, int]] = []
        self._expected_sources: dict[str, str] = {}

    def expect_source(self, path: Path, sha256: str) -> None:
        """Have the worker run the module at ``path`` only if its bytes have this hash (the
        bytes the judge checked the rules on); otherwise it reports an import error."""
        self._expected_sources[str(path)] = sha256

    def _launch(self) -> Any:
        if self._launcher is None:
            return launch_worker(self.workdir)
        try:
            return self._launcher(self.workdir)
        except OSError as exc:
            # Never fall back to a worker started another way: it could be less contained.
            raise GraderFault(f"the grader could not start a worker ({exc})") from None

    def _spawn(self) -> WorkerProcess:
        self._worker = WorkerProcess(cwd=self.workdir, process=self._launch())
        return self._worker

    def output_mark(self) -> tuple[int, int]:
        """Where the current worker's output stands (to show later what a check printed)."""
        worker = self._worker
        return (id(worker), worker.output_bytes if worker is not None else 0)

    def printed_since(self, mark: tuple[int, int]) -> str:
        """What the worker printed since ``mark`` (empty if it was replaced meanwhile)."""
        worker = self._worker
        if worker is None or id(worker) != mark[0]:
            return ""
        return worker.printed_since(mark[1])

    def broken(self, exercise_id: str) -> Exception | None:
        """The error that already ended this exercise (e.g. NotImplementedError), if any."""
        return self._broken.get(exercise_id)

    def _ready_worker(self) -> WorkerProcess:
        worker = self._worker or self._spawn()
        if not worker.ready:
            kind, frame = worker.wait(STARTUP_TIMEOUT_S)
            if kind != "frame" or not frame[0].get("ready"):
                tail = worker.output_tail()
                self._retire(worker)
                raise GraderFault(
                    "the grader could not start a worker process"
                    + (f"; it printed:\n{tail}" if tail else "")
                )
            worker.ready = True
            worker.own_pid = frame[0].get("pid")
            # Found now, before any student code runs in it: later its process tree is not ours.
            root, inner = getattr(worker.process, "host_root", lambda: (worker.process.pid, None))()
            worker.cpu_clock = cputime.clock_for(root, inner)
        return worker

    def _retire(self, worker: WorkerProcess) -> None:
        worker.kill()
        self._worker = None

    def call(
        self,
        exercise_id: str,
        path: Path,
        function: str,
        args: Sequence[Any] = (),
        kwargs: dict[str, Any] | None = None,
        *,
        context: str | None = None,
        timeout_s: float | None = None,
        return_inputs: bool = True,
        backward: Any = None,
        probe_backward: bool = False,
        options: dict[str, Any] | None = None,
    ) -> Reply:
        """Call ``function`` from the module at ``path`` in the worker and return its reply.

        A timed call (option ``time_reference``) with a :class:`CpuBudget` under the option
        ``cpu_budget`` (kept here, never sent to the worker) is stopped once its CPU time passes
        :data:`STOP_AFTER_BUDGETS` budgets: OverBudget, and the next call gets a fresh worker.

        Raises NotAttempted, StudentRaised, FunctionMissing, CallTimedOut, OverBudget or
        GradingError.
        """
        options = dict(options or {})
        budget = options.pop("cpu_budget", None)
        self._drain()
        if exercise_id in self._broken:
            raise self._broken[exercise_id]
        worker = self._ready_worker()
        request, blob = self._request(
            path,
            function,
            args,
            kwargs,
            context=context,
            return_inputs=return_inputs,
            backward=backward,
            probe_backward=probe_backward,
            options=options,
        )
        limit = self.timeout_s if timeout_s is None else timeout_s
        stopwatch = driver = None
        if request.get("time_reference") and worker.cpu_clock is not None:
            stopwatch = _Stopwatch(worker.cpu_clock, budget)
        elif request.get("time_reference"):
            if cputime.available():  # it should have been found: never a silent untimed call
                raise GraderFault("the grader could not find its worker's CPU clock")
            request.pop("time_reference")  # this platform has none: the check says it skipped
        if isinstance(request.get("fake_clock"), dict):
            plan = request["fake_clock"]
            driver = _FakeClockDriver(plan.get("intervals", []))
            request["fake_clock"] = {"cuda": bool(plan.get("cuda"))}  # the plan stays here
        if not worker.send(request, blob):
            return self._fail(exercise_id, worker, function, "eof", None, limit)
        reply = self._receive(
            exercise_id, worker, path, function, request["id"], limit, marks=stopwatch or driver
        )
        if stopwatch is not None:
            return replace(reply, cpu=stopwatch.result())
        if driver is not None:
            return replace(reply, fake_clock=driver.facts())
        return reply

    def iter_calls(
        self,
        exercise_id: str,
        path: Path,
        function: str,
        calls: Sequence[tuple[Sequence[Any], dict[str, Any]]],
        *,
        return_inputs: bool = False,
    ) -> Iterator[Reply | Exception]:
        """Send every call at once, then yield each reply (or its exception) in order.

        The worker computes while the judge checks earlier replies. Replies the caller does not
        consume are drained before the next call, so the stream never falls out of step.
        """
        self._drain()
        if exercise_id in self._broken:
            raise self._broken[exercise_id]
        worker = self._ready_worker()
        pending: list[int] = []
        for args, kwargs in calls:
            request, blob = self._request(path, function, args, kwargs, return_inputs=return_inputs)
            if not worker.send(request, blob):
                break
            pending.append(request["id"])
        self._pending = [(exercise_id, worker, path, function, rid) for rid in pending]
        for _ in range(len(calls)):
            if not self._pending:
                if exercise_id in self._broken:
                    yield self._broken[exercise_id]
                    continue
                try:
                    self._fail(exercise_id, worker, function, "eof", None, self.timeout_s)
                except Exception as exc:
                    yield exc
                continue
            _, _, _, _, rid = self._pending.pop(0)
            try:
                yield self._receive(exercise_id, worker, path, function, rid, self.timeout_s)
            except (
                NotAttempted,
                StudentRaised,
                FunctionMissing,
                GradingError,
                CallTimedOut,
            ) as exc:
                if exercise_id in self._broken:
                    self._pending = []
                yield exc

    def _drain(self) -> None:
        """Read and drop replies of an earlier batch that the caller stopped reading."""
        while self._pending:
            exercise_id, worker, path, function, rid = self._pending.pop(0)
            if worker is not self._worker:
                self._pending = []
                return
            try:
                self._receive(exercise_id, worker, path, function, rid, self.timeout_s)
            except (NotAttempted, StudentRaised, FunctionMissing, GradingError, CallTimedOut):
                if exercise_id in self._broken:
                    self._pending = []

    def _request(
        self,
        path: Path,
        function: str,
        args: Sequence[Any],
        kwargs: dict[str, Any] | None,
        *,
        context: str | None = None,
        return_inputs: bool = True,
        backward: Any = None,
        probe_backward: bool = False,
        options: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        encoder = _ArgEncoder()
        self._next_id += 1
        request = {
            "op": "call",
            "id": self._next_id,
            "path": str(path),
            "sha256": self._expected_sources.get(str(path)),
            "function": function,
            "args": [encoder.encode(a) for a in args],
            "kwargs": {k: encoder.encode(v) for k, v in (kwargs or {}).items()},
            "context": context,
            "return_inputs": return_inputs,
            "backward": None if backward is None else encoder.encode(backward),
            "probe_backward": probe_backward,
            **(options or {}),
        }
        return request, encoder.blob()

    def _receive(
        self,
        exercise_id: str,
        worker: WorkerProcess,
        path: Path,
        function: str,
        rid: int,
        limit: float,
        *,
        marks: MarkHandler | None = None,
    ) -> Reply:
        deadline = time.monotonic() + limit
        watched = isinstance(marks, _Stopwatch) and marks.budget is not None
        while True:
            left = max(0.0, deadline - time.monotonic())
            kind, frame = worker.wait(min(left, BUDGET_POLL_S) if watched else left)
            if kind == "timeout" and watched and time.monotonic() < deadline:
                past = marks.past_stop()  # type: ignore[union-attr]
                if past is not None:
                    self._stop_over_budget(worker, function, past)
                continue
            if kind != "frame":
                return self._fail(exercise_id, worker, function, kind, frame, limit)
            envelope, blob = frame
            if envelope.get("id") != rid:
                return self._fail(
                    exercise_id, worker, function, "bad", "replies out of order", limit
                )
            if "mark" not in envelope:
                return self._reply(exercise_id, path, function, envelope, blob)
            if marks is None:
                return self._fail(exercise_id, worker, function, "bad", "an unasked mark", limit)
            if not worker.send(marks(envelope)):
                return self._fail(exercise_id, worker, function, "eof", None, limit)

    def _fail(
        self,
        exercise_id: str,
        worker: WorkerProcess,
        function: str,
        kind: str,
        detail: Any,
        limit: float,
    ) -> Reply:
        if kind == "timeout":
            return self._break(
                exercise_id,
                worker,
                CallTimedOut(
                    f"{function}() did not finish within {limit:g} s; the grader stopped it. "
                    "Look for an infinite loop or a very slow Python loop."
                ),
            )
        if kind == "bad":
            return self._break(
                exercise_id,
                worker,
                GradingError(f"{function}() returned an unusable result: {detail}"),
            )
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=5)
        code = worker.process.returncode
        tail = worker.output_tail()
        outside = _killed_from_outside(worker.process)
        if outside:
            return self._break(exercise_id, worker, GraderFault(f"{function}(): {outside}"))
        return self._break(
            exercise_id,
            worker,
            GradingError(
                f"calling {function}() ended the Python process"
                + (f" (exit code {code})" if code not in (None, -1) else "")
                + ": "
                "sys.exit, os._exit or a crash in your code"
                + (f". Its last output:\n{tail}" if tail else "")
            ),
        )

    def _stop_over_budget(self, worker: WorkerProcess, function: str, past: CpuTiming) -> None:
        """Stop a timed call that has used more CPU than it may: a fresh worker for the next
        call, and the exercise is not ended (its later checks run as usual)."""
        self._retire(worker)
        self.restarts += 1
        self._spawn()
        raise OverBudget(function, reference_s=past.reference_s, call_s=past.call_s)

    def _break(self, exercise_id: str, worker: WorkerProcess, error: Exception) -> Reply:
        self._broken[exercise_id] = error
        self._retire(worker)
        self.restarts += 1
        self._spawn()  # start the next worker now, so its torch import overlaps our work
        raise error

    def _reply(
        self, exercise_id: str, path: Path, function: str, envelope: dict[str, Any], blob: bytes
    ) -> Reply:
        status = envelope.get("status")
        if status == "import_error":
            error = envelope.get("error", {})
            raise GradingError(f"{path.name} could not be imported: {describe_error(error)}")
        if status == "missing":
            raise FunctionMissing(f"{path.name} has no function named {function}()")
        if status == "raised":
            # (A NotImplementedError is a failure like any other: "not attempted" is decided
            # from the source, where the judge can see the stub is untouched.)
            raise StudentRaised(function, envelope.get("error", {}))
        if status != "ok":
            raise GradingError(f"the worker answered {status!r}")
        try:
            tensors = protocol.unpack_tensors(blob)
            value = protocol.decode(envelope.get("value"), tensors, tensor_hook=_wrap_tensor)
            after = tuple(
                None if item is None else _input_after(item, tensors)
                for item in envelope.get("inputs_after", [])
            )
            elements = {
                str(key): _input_after(item, tensors)
                for key, item in dict(envelope.get("elements_after") or {}).items()
            }
        except (protocol.ProtocolError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GradingError(f"{function}() returned an unusable result: {exc}") from None
        return Reply(
            value=value,
            inputs_after=after,
            elements_after=elements,
            extra=dict(envelope.get("extra") or {}),
        )

    def close(self) -> None:
        """Stop the worker and remove its working folder."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
