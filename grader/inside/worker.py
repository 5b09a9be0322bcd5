"""The untrusted side: imports student modules by path and calls their functions.

Run as ``python -I -m grader.inside.worker`` by :mod:`grader.runner`. The worker reads request
frames on stdin and answers on a private duplicate of stdout; the student's own ``print`` output
(and fd 1 and 2 at the C level) goes to stderr, which the judge drains and truncates. The worker
never sees expected values: it only measures facts about the live objects (device, strides,
aliasing, ``_version`` counters, ``.grad``) right after each call and sends them back as data.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading
import time
import traceback
from contextlib import nullcontext
from typing import Any, BinaryIO


def _take_protocol_streams() -> tuple[BinaryIO, BinaryIO]:
    """Keep private copies of stdin/stdout for frames; point fds 0/1 where students can't hurt."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return proto_in, proto_out


def main() -> None:
    """Serve requests until the judge closes stdin (or, with ``--zygote FD``, fork workers)."""
    if len(sys.argv) >= 5 and sys.argv[1] == "--zygote" and sys.argv[3] == "--parent":
        # Armed before anything slow: a judge that dies while we import torch takes us along.
        die_with_parent(int(sys.argv[4]))
        _zygote(int(sys.argv[2]), nest="--nest" in sys.argv[5:])
        return
    proto_in, proto_out = _take_protocol_streams()
    from grader.inside.limits import apply_limits

    apply_limits()
    import torch  # after the fd shuffle, so torch's own output can't reach the protocol

    torch.set_num_threads(1)
    # The first operation on `meta` tensors imports torch._dynamo (about 0.9 s). Pay for it in the
    # background while the first requests (CPU value checks) are served.
    warmup = threading.Thread(target=_warm_meta, daemon=True)
    _WARMUP.append(warmup)
    warmup.start()
    _serve(proto_in, proto_out)


def _serve(proto_in: BinaryIO, proto_out: BinaryIO) -> None:
    import torch

    from grader.inside import protocol

    _capture_readers()  # before any student module can patch what they read
    protocol.write_frame(proto_out, {"ready": True, "pid": os.getpid(), "torch": torch.__version__})
    session = _Session(_Channel(proto_in, proto_out))
    while True:
        try:
            request, blob = protocol.read_frame(proto_in)
        except EOFError:
            break
        if request.get("op") == "exit":
            break
        envelope, out_blob = session.handle(request, blob)
        sys.stdout.flush()
        sys.stderr.flush()
        protocol.write_frame(proto_out, envelope, out_blob)
    os._exit(0)


def _zygote(control_fd: int, *, nest: bool = False) -> None:
    """Import torch once, then fork a fresh worker for every request of the one judge.

    The judge talks to us on ``control_fd``, one end of a ``SOCK_SEQPACKET`` socket pair it
    created (so no folder needs to be writable for a socket), and sends JSON requests: ``spawn``
    (with the new worker's stdin, stdout and stderr as file descriptors, and its working folder;
    answered with its pid), ``alive`` (by that pid, answered with its exit status once gone),
    ``kill``, ``ping`` (liveness), ``sweep`` (kill whatever earlier workers left running) and
    ``shutdown``. When the judge's end closes we kill everything and go.

    With ``nest`` (inside the full sandbox) every worker gets a PID and mount namespace of its own,
    where it is init: it cannot see or signal us, its siblings or the judge; it gets a fresh
    ``/tmp`` and ``/dev/shm``, so nothing one submission writes is visible to the next; it drops
    every capability before student code runs; and whatever it starts dies with it. A forked
    worker starts with torch imported and `meta` warmed up, and with nothing of any earlier
    submission: the zygote never runs student code.
    """
    import gc
    import signal
    import socket

    import torch


    # Non-dumpable: no process of our uid can ptrace us or read our memory through /proc.
    _prctl(4, 0)  # PR_SET_DUMPABLE
    torch.set_num_threads(1)
    _warm_meta()
    control = socket.socket(fileno=control_fd)
    children: set[int] = set()
    ended: dict[int, int] = {}

    def reap(*_: Any) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in children:
                children.discard(pid)
                ended[pid] = os.waitstatus_to_exitcode(status)
                while len(ended) > 64:
                    ended.pop(next(iter(ended)))

    def kill_everything() -> None:
        for pid in list(children):
            _kill_group(pid)
        if nest:
            _sweep()
        else:
            _kill_orphans(children)

    signal.signal(signal.SIGCHLD, reap)
    if not nest:
        _become_subreaper()
    # Move everything imported so far out of the collector's reach: a collection in a forked
    # worker would otherwise write to every object's header and copy every page of the heap.
    gc.collect()
    gc.freeze()
    control.sendall(b'{"ready": true}')
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 3)
        except InterruptedError:
            continue
        except OSError:
            message, fds = b"", []
        if not message:  # the judge is gone: so are we, and everything we started
            kill_everything()
            os._exit(0)
        request = json.loads(message)
        op = request.get("op", "spawn")
        if op in ("spawn", "sweep") and not nest:
            _kill_orphans(children)  # daemons a finished worker left behind
        if op == "spawn" and len(fds) == 3:
            # Hold SIGCHLD until the pid is recorded, or a quick exit could be reaped first.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
            try:
                pid = _fork_worker(request, fds, control, nest=nest)
                children.add(pid)
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            answer: dict[str, Any] = {"pid": pid}
        elif op == "alive":
            pid = int(request.get("pid", -1))
            answer = {"alive": pid in children, "status": ended.get(pid)}
        elif op == "kill":
            if int(request.get("pid", -1)) in children:
                _kill_group(int(request["pid"]))
            answer = {"ok": True}
        elif op == "ping":
            answer = {"ok": True}
        elif op == "sweep":  # nested: every process but us; otherwise daemons only
            answer = {"killed": _sweep() if nest else 0}
        elif op == "shutdown":
            kill_everything()
            control.sendall(b'{"ok": true}')
            os._exit(0)
        else:
            answer = {"error": f"bad request {op!r}"}
        for fd in fds:
            os.close(fd)
        control.sendall(json.dumps(answer).encode())


def _prctl(option: int, arg: int) -> int:
    """``prctl(option, arg)`` on Linux (-1 elsewhere or on failure)."""
    if not sys.platform.startswith("linux"):
        return -1
    import ctypes

    try:
        return int(ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0))
    except (OSError, AttributeError):
        return -1


def _become_subreaper() -> None:
    """On Linux, adopt orphaned descendants: a daemon a worker double-forks becomes our child."""
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def _kill_orphans(children: set[int]) -> None:
    """Kill our children that are not workers: daemons that outlived the worker that made them."""
    if not sys.platform.startswith("linux"):
        return
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in children:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                ppid = stat.read().rsplit(b")", 1)[1].split()[1].decode()
        except (OSError, IndexError):
            continue
        if ppid == me:
            _kill_group(int(entry))


def _sweep() -> int:
    """Kill every process in this PID namespace except the zygote and the namespace's init."""
    import signal

    mine = {os.getpid(), 1}
    killed = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in mine:
            with contextlib.suppress(OSError):
                os.kill(int(entry), signal.SIGKILL)
                killed += 1
    return killed


# Linux constants for the nested worker (see _nest_worker).
_CLONE_NEWNS = 0x00020000
_CLONE_NEWPID = 0x20000000
_MS_REC = 0x4000
_MS_PRIVATE = 0x40000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
_MS_REMOUNT, _MS_BIND = 0x20, 0x1000
_CAPSET_SYSCALL = {"x86_64": 126, "aarch64": 91}
_NEST_FAILED = 70
"""Exit code of a worker whose namespaces could not be set up: it never serves a request, so the
judge records a grader fault, never a less contained worker."""


def _fork_worker(request: dict[str, Any], fds: list[int], control: Any, *, nest: bool) -> int:
    """Fork; in the child, become a worker on the passed pipes and never return."""
    import signal

    zygote_pid = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    try:
        control.close()  # the zygote's socket is not the worker's business
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        os.setsid()  # its own process group, so the judge can kill all it starts
        die_with_parent(zygote_pid)  # (nested: the supervisor; the worker dies with it)
        if nest:
            _nest_worker(fds)  # returns in the worker (init of its own namespaces)
        _prctl(4, 1)  # dumpable again: it is an ordinary process of its own
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        try:
            os.chdir(request["cwd"])
        except OSError:  # the judge's folder is not visible inside a sandbox
            os.chdir("/tmp")
        streams = _take_protocol_streams()
        from grader.inside.limits import apply_limits

        apply_limits()
        _serve(*streams)
    finally:
        os._exit(0)


def _nest_worker(fds: list[int]) -> None:
    """In a freshly forked child of the zygote: make new PID and mount namespaces, fork the
    worker into them and stay behind as its supervisor, mirroring how it ended.

    Returns only in the worker: init of its PID namespace (it cannot see or signal anything
    outside it, and everything it starts dies with it), with private ``/tmp`` and ``/dev/shm``
    and no capabilities left.
    """
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    limits = json.loads(os.environ.get("TENSORGRADE_LIMITS") or "{}")
    tmpfs = f"size={int(limits.get('tmpfs_bytes', 256 * 2**20))},mode=1777".encode()
    if libc.unshare(_CLONE_NEWPID | _CLONE_NEWNS) != 0:
        os._exit(_NEST_FAILED)
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        os._exit(_NEST_FAILED)
    # The sandbox's read-only binds below /tmp (the submission copy; a virtualenv or course
    # living under /tmp) would vanish under the fresh tmpfs: hold them by fd, then bind back.
    # Only the outermost: a mount below another comes along with it (a recursive bind), and a
    # plain bind of a mount over locked child mounts is refused.
    outermost = _outermost(_mounts_below())
    kept = [(point, flags, os.open(point, os.O_PATH)) for point, flags in outermost]
    for path in (b"/tmp", b"/dev/shm"):
        if libc.mount(b"tmpfs", path, b"tmpfs", _MS_NOSUID | _MS_NODEV, tmpfs) != 0:
            os._exit(_NEST_FAILED)
    for point, flags, fd in kept:
        os.makedirs(point, exist_ok=True)
        source = f"/proc/self/fd/{fd}".encode()
        if (
            libc.mount(source, point, None, _MS_BIND | _MS_REC, None) != 0
            or libc.mount(None, point, None, _MS_REMOUNT | _MS_BIND | flags, None) != 0
        ):
            os._exit(_NEST_FAILED)
        os.close(fd)
    worker = os.fork()
    if worker == 0:
        os.setsid()  # kill(0, ...) from student code reaches its own group alone
        _prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG: dies with its supervisor
        if not _drop_capabilities(libc):
            os._exit(_NEST_FAILED)
        return
    for fd in fds:  # the worker holds the pipes; the judge sees EOF when it is gone
        os.close(fd)
    while True:
        try:
            _, status = os.waitpid(worker, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # killed by a signal: end the same way, so the zygote sees what happened
        with contextlib.suppress(OSError, ValueError):  # (SIGKILL has no handler to reset)
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 1)


def _mounts_below(tops: tuple[bytes, ...] = (b"/tmp", b"/dev/shm")) -> list[tuple[bytes, int]]:
    """Mount points strictly below ``tops`` (parents first), with their per-mount flags."""
    import re

    found = []
    with open("/proc/self/mountinfo", "rb") as table:
        for line in table:
            fields = line.split()
            # Octal escapes (\040 for a space) as the kernel writes them.
            point = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m[1], 8)]), fields[4])
            if any(point.startswith(top + b"/") for top in tops):
                options = fields[5].split(b",")
                flags = sum(
                    bit for name, bit in ((b"ro", _MS_RDONLY), (b"nosuid", _MS_NOSUID),
                                          (b"nodev", _MS_NODEV), (b"noexec", _MS_NOEXEC))
                    if name in options
                )  # fmt: skip
                found.append((point, flags))
    return found


def _outermost(mounts: list[tuple[bytes, int]]) -> list[tuple[bytes, int]]:
    """The mount points not below another one of ``mounts`` (which come parents first)."""
    kept: list[tuple[bytes, int]] = []
    for point, flags in mounts:
        if not any(point.startswith(top + b"/") for top, _ in kept):
            kept.append((point, flags))
    return kept


def _drop_capabilities(libc: Any) -> bool:
    """Drop every capability (bounding, ambient, effective, permitted, inheritable)."""
    import ctypes
    import platform

    number = _CAPSET_SYSCALL.get(platform.machine())
    if number is None:
        return False
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP (fails harmlessly past the last cap)
    libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [(n, ctypes.c_uint32) for n in ("effective", "permitted", "inheritable")]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.syscall(number, ctypes.byref(header), data) != 0:
        return False
    with open("/proc/self/status") as status:
        caps = [line.split()[1] for line in status if line.startswith(("CapEff", "CapPrm"))]
    return all(int(value, 16) == 0 for value in caps)


def _kill_group(pid: int) -> None:
    import signal

    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)


def die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this process when its parent dies (zygote → judge chain),
    so killing a judge never leaves a worker spinning in student code."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _warm_meta() -> None:
    import torch

    # While this thread imports, the main thread waits up to the switch interval (5 ms) for the
    # GIL on every request: hand it over more often until the warm-up is done.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        with contextlib.suppress(Exception):
            torch.ones(2, device="meta") * torch.ones(2, device="meta")
    finally:
        sys.setswitchinterval(interval)


_READ: dict[str, Any] = {}
"""torch's own C-level readers of tensor facts (strides, storage, ``_version``, ``.grad``...),
bound before any student module is imported: patching ``torch.Tensor`` afterwards changes
nothing the worker reports. (Reaching this dict needs ``sys.modules`` or ``gc``, which the
reflection rule refuses.)"""
_WARMUP: list[threading.Thread] = []


def _capture_readers() -> None:
    """Fill :data:`_READ` from ``torch._C.TensorBase`` and ``StorageBase``."""
    import torch

    tensor = torch._C.TensorBase.__dict__
    storage = torch._C.StorageBase.__dict__
    for name in ("stride", "is_contiguous", "untyped_storage", "storage_offset", "detach"):
        _READ[name] = tensor[name]
    for name in ("_version", "grad", "requires_grad", "is_leaf", "grad_fn", "device", "dtype",
                 "shape"):  # fmt: skip
        _READ[name.lstrip("_")] = tensor[name].__get__
    _READ["data_ptr"], _READ["nbytes"] = storage["data_ptr"], storage["nbytes"]


class _Channel:
    """The worker's side of a call's marks: at a mark the worker writes a frame and blocks
    until the judge answers. The judge reads the worker's CPU clock from outside at each mark
    (nothing here measures time), and hands the fake clock its next interval only when the
    student's ``fn`` runs (so no planned interval exists in the worker to be read early)."""

    def __init__(self, proto_in: BinaryIO, proto_out: BinaryIO) -> None:
        self._in, self._out = proto_in, proto_out

    def mark(self, rid: Any, name: str) -> dict[str, Any]:
        """Tell the judge we reached ``name`` and wait for its answer."""
        from grader.inside import protocol

        protocol.write_frame(self._out, {"id": rid, "mark": name})
        answer, _ = protocol.read_frame(self._in)
        return answer


class _ImportFailed(Exception):
    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info.get("message", ""))
        self.info = info


class _Session:
    def __init__(self, channel: _Channel) -> None:
        self.channel = channel
        self.modules: dict[str, Any] = {}
        self.fresh_imports = 0

    def handle(self, request: dict[str, Any], blob: bytes) -> tuple[dict[str, Any], bytes]:

        rid = request.get("id")
        if request.get("op") == "ping":
            return {"id": rid, "status": "ok"}, b""
        mark = functools.partial(self.channel.mark, rid)
        clock = _FakeClock(request["fake_clock"], mark) if request.get("fake_clock") else None
        try:
            if clock is not None:
                clock.install()
            module = self._load(
                str(request["path"]), fresh=clock is not None, sha256=request.get("sha256")
            )
        except _ImportFailed as failed:
            if clock is not None:
                clock.uninstall()
            return {"id": rid, "status": "import_error", "error": failed.info}, b""
        try:
            return self._call_in(module, request, blob, clock)
        finally:
            if clock is not None:
                clock.uninstall()

    def _call_in(
        self, module: Any, request: dict[str, Any], blob: bytes, clock: _FakeClock | None
    ) -> tuple[dict[str, Any], bytes]:
        from grader.inside import protocol

        rid = request.get("id")
        function = getattr(module, str(request["function"]), None)
        if not callable(function):
            return {"id": rid, "status": "missing"}, b""
        tensors = protocol.unpack_tensors(blob)
        build = functools.partial(_build_input, tensors=tensors)
        args = protocol.decode(request.get("args", []), tensors, tensor_hook=build)
        kwargs = protocol.decode(request.get("kwargs", {}), tensors, tensor_hook=build)
        args = [_resolve_functions(a, clock) for a in args]
        kwargs = {k: _resolve_functions(v, clock) for k, v in kwargs.items()}
        if request.get("backward") is not None:
            request["backward"] = protocol.decode(request["backward"], tensors, tensor_hook=build)
        mark = functools.partial(self.channel.mark, rid)
        return _call(function, args, kwargs, request, str(request["path"]), mark)

    def _load(self, path: str, *, fresh: bool = False, sha256: str | None = None) -> Any:
        if fresh:  # import again, e.g. under a fake clock that `from time import ...` must see
            self.fresh_imports += 1
            return self._import(path, f"_fresh{self.fresh_imports}", sha256)
        cached = self.modules.get(path)
        if isinstance(cached, _ImportFailed):
            raise cached
        if cached is not None:
            return cached
        try:
            module = self._import(path, "", sha256)
        except _ImportFailed as failed:
            self.modules[path] = failed
            raise
        self.modules[path] = module
        return module

    def _import(self, path: str, suffix: str, sha256: str | None) -> Any:
        """Run the module's bytes, only if they are the ones the judge checked (``sha256``),
        compiled from their UTF-8 text: never re-decoded by a coding cookie."""
        import hashlib
        import importlib.util

        stem = os.path.splitext(os.path.basename(path))[0]
        name = f"_tensorgrade_submission_{stem}{suffix}"
        try:
            with open(path, "rb") as source:
                data = source.read()
            if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
                raise ImportError(
                    f"{os.path.basename(path)} changed after the grader checked it; not run"
                )
            code = compile(data.decode("utf-8-sig"), path, "exec", dont_inherit=True)
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None:
                raise ImportError(f"cannot import {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            exec(code, module.__dict__)
        except BaseException as exc:
            raise _ImportFailed(_error_info(exc, path, at_import=True)) from None
        return module


def _build_input(node: dict[str, Any], tensor: Any, *, tensors: dict[str, Any]) -> Any:
    """Place an input tensor on its device with its layout, autograd flag and ``.grad``."""
    import torch

    from grader.inside.protocol import apply_layout, dtype_from_name

    device = node.get("device", "cpu")
    if tensor is None:
        tensor = torch.empty(node["shape"], dtype=dtype_from_name(node["dtype"]), device="meta")
    else:
        tensor = tensor.to(device)
    tensor = apply_layout(tensor, node.get("layout", []))
    if node.get("requires_grad"):
        tensor = tensor.detach().requires_grad_(True)
    grad = node.get("grad")
    if isinstance(grad, dict) and grad.get("__tensor__") in tensors:
        tensor.grad = tensors[grad["__tensor__"]].to(device)
    return tensor


def _random_input(spec: dict[str, Any]) -> Any:
    """Materialise a RandomArg: seeded, so the same request always gives the same tensor."""
    import torch

    from grader.inside.protocol import dtype_from_name

    gen = torch.Generator().manual_seed(int(spec["seed"]))
    dtype = dtype_from_name(str(spec["dtype"]))
    shape = [int(s) for s in spec["shape"]]
    low, high = float(spec["low"]), float(spec["high"])
    if dtype.is_floating_point:
        tensor = (torch.rand(shape, generator=gen) * (high - low) + low).to(dtype)
    else:
        tensor = torch.randint(int(low), int(high) + 1, shape, generator=gen, dtype=dtype)
    return tensor.to(str(spec.get("device", "cpu")))


def _resolve_functions(value: Any, clock: _FakeClock | None = None) -> Any:
    if isinstance(value, dict) and "__random__" in value:
        return _random_input(value["__random__"])
    if isinstance(value, dict) and "__function__" in value:
        from grader.inside.functions import LIBRARY

        if value["__function__"] == "fake_clock_work" and clock is not None:
            return _plain_function(clock.work)
        params = {k: _resolve_functions(v, clock) for k, v in value.get("params", {}).items()}
        return LIBRARY[str(value["__function__"])](**params)
    return value


def _plain_function(action: Any) -> Any:
    """``action`` behind a plain function: no ``__self__`` leading to the grader's objects."""

    def fn() -> None:
        action()

    return fn


class _FakeClock:
    """A clock that advances only while the student's ``fn`` runs, patched over the time module.

    ``time.perf_counter`` (and ``timeit.default_timer``, the same clock) read it; ``time.time``
    and ``time.monotonic`` stand still, so timing with them measures nothing. Each run of the
    work asks the judge how far to advance: the plan stays in the judge, which also counts the
    runs and the ``torch.cuda.synchronize`` calls itself. With ``cuda`` set,
    ``torch.cuda.is_available`` says True and ``synchronize`` is reported to the judge.
    """

    def __init__(self, plan: dict[str, Any], mark: Any) -> None:
        self.cuda = bool(plan.get("cuda"))
        self.now = 1000.0
        self._mark = mark
        self.saved: list[tuple[Any, str, Any]] = []

    def work(self) -> None:
        """The function being timed: advances the clock by what the judge says."""
        self.now += float(self._mark("work").get("advance", 1.0))

    def _patch(self, owner: Any, name: str, value: Any) -> None:
        self.saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def install(self) -> None:
        """Patch time (and torch.cuda when asked) before the student's module is imported."""
        import timeit

        import torch

        self._patch(time, "perf_counter", lambda: self.now)
        self._patch(time, "perf_counter_ns", lambda: int(self.now * 1e9))
        self._patch(timeit, "default_timer", time.perf_counter)
        self._patch(time, "time", lambda: 1.7e9)
        self._patch(time, "monotonic", lambda: 5.0)
        if self.cuda:
            self._patch(torch.cuda, "is_available", lambda: True)
            self._patch(torch.cuda, "synchronize", self._synchronize)

    def _synchronize(self, *args: Any, **kwargs: Any) -> None:
        self._mark("sync")

    def uninstall(self) -> None:
        """Put every patched attribute back."""
        while self.saved:
            owner, name, value = self.saved.pop()
            setattr(owner, name, value)


def _storage_ptr(tensor: Any) -> int | None:
    if _READ["device"](tensor).type == "meta":
        return None
    try:
        return int(_READ["data_ptr"](_READ["untyped_storage"](tensor)))
    except Exception:
        return None


def _call(
    function: Any,
    args: list[Any],
    kwargs: dict[str, Any],
    request: dict[str, Any],
    path: str,
    mark: Any,
) -> tuple[dict[str, Any], bytes]:
    import torch

    from grader.inside import protocol

    read = _READ
    rid = request.get("id")
    inputs = [a if isinstance(a, torch.Tensor) else None for a in args]
    versions = [read["version"](t) if t is not None else None for t in inputs]
    pointers = [_storage_ptr(t) if t is not None else None for t in inputs]
    # Tensors inside list/tuple arguments (e.g. the params of an optimizer step), by "i.j".
    elements = {
        f"{i}.{j}": (t, read["version"](t), _storage_ptr(t))
        for i, a in enumerate(args)
        if isinstance(a, (list, tuple))
        for j, t in enumerate(a)
        if isinstance(t, torch.Tensor)
    }
    context = torch.no_grad() if request.get("context") == "no_grad" else nullcontext()
    structure_before = _structure(args[0]) if request.get("probe_structure") and args else None
    if request.get("time_reference"):
        # Timed from outside: the judge reads our CPU clock at each mark and at the reply.
        _run_references(str(request["time_reference"]), args, mark)
    try:
        with context:
            value = function(*args, **kwargs)
    except BaseException as exc:
        return {"id": rid, "status": "raised", "error": _error_info(exc, path)}, b""
    grad_output = request.get("backward")
    if grad_output is not None:
        # Gradients can't cross the process boundary: run backward here, return the inputs' .grad.
        try:
            if not isinstance(value, torch.Tensor):
                raise TypeError(f"expected a tensor to differentiate, got {type(value).__name__}")
            torch.autograd.backward(value, grad_tensors=grad_output)
        except BaseException as exc:
            info = _error_info(exc, path)
            info["message"] = f"backward() through your result failed: {info['message']}"
            return {"id": rid, "status": "raised", "error": info}, b""

    def describe(tensor: torch.Tensor) -> dict[str, Any]:
        ptr = _storage_ptr(tensor)
        grad_fn = read["grad_fn"](tensor)
        facts: dict[str, Any] = {
            "shape": [int(s) for s in read["shape"](tensor)],
            "dtype": protocol.dtype_name(read["dtype"](tensor)),
            "device": str(read["device"](tensor)),
            "strides": [int(s) for s in read["stride"](tensor)],
            "storage_offset": int(read["storage_offset"](tensor)),
            "contiguous": bool(read["is_contiguous"](tensor)),
            "storage_nbytes": int(read["nbytes"](read["untyped_storage"](tensor))),
            "requires_grad": bool(read["requires_grad"](tensor)),
            "is_leaf": bool(read["is_leaf"](tensor)),
            "grad_fn": type(grad_fn).__name__ if grad_fn is not None else None,
            "is_arg": next((i for i, t in enumerate(inputs) if t is tensor), None),
            "shares_storage_with": [
                i for i, p in enumerate(pointers) if p is not None and ptr is not None and p == ptr
            ],
        }
        if type(tensor) not in (torch.Tensor, torch.nn.Parameter):
            facts["subclass"] = type(tensor).__qualname__[:64]
        return facts

    def describe_array(array: Any) -> dict[str, Any]:
        start = int(array.__array_interface__["data"][0])
        shares = []
        for i, t in enumerate(inputs):
            ptr = pointers[i]
            if t is not None and ptr is not None:
                size = int(read["nbytes"](read["untyped_storage"](t)))
                if ptr <= start < ptr + max(size, 1):
                    shares.append(i)
        return {"shares_storage_with": shares, "writeable": bool(array.flags.writeable)}

    return_inputs = bool(request.get("return_inputs", True))
    no_subclass_hooks = getattr(torch._C, "DisableTorchFunctionSubclass", nullcontext)
    try:
        with no_subclass_hooks():
            encoder = protocol.Encoder(
                describe, describe_array, keep_data=bool(request.get("values", True))
            )
            encoded = encoder.encode(value)
            after = [
                None if tensor is None else _after_facts(encoder, tensor, version, return_inputs)
                for tensor, version in zip(inputs, versions)
            ]
            elements_after = {}
            for key, (original, version, ptr) in elements.items():
                i, j = (int(k) for k in key.split("."))
                try:
                    current = args[i][j]
                except (IndexError, TypeError):
                    current = None
                facts = _after_facts(encoder, original, version, return_inputs)
                facts["same_object"] = current is original
                facts["same_storage"] = ptr is None or _storage_ptr(original) == ptr
                if request.get("probe_backward") and original.is_leaf and original.requires_grad:
                    facts["backward_ok"] = _backward_works(original)
                elements_after[key] = facts
            blob = encoder.blob()
    except BaseException as exc:
        return {"id": rid, "status": "raised", "error": _error_info(exc, path)}, b""
    extra: dict[str, Any] = {}
    if structure_before is not None:
        extra["structure"] = {
            "containers_unchanged": _structure(args[0]) == structure_before,
            "same_object": _same_leaves(args[0], value),
        }
    if request.get("probe_write_through"):
        extra["write_through"] = _writes_through(value, inputs[0] if inputs else None)
    envelope = {
        "id": rid,
        "status": "ok",
        "value": encoded,
        "extra": extra,
        "inputs_after": after,
        "elements_after": elements_after,
    }
    return envelope, blob


def _children(obj: Any) -> list[tuple[str, Any]] | None:
    """The items of a container (dict, list, tuple, named tuple), or None for a leaf."""
    if isinstance(obj, dict):
        return [(repr(k), v) for k, v in obj.items()]
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj)]
    return None


def _structure(obj: Any) -> Any:
    """Container types, keys and leaf identities: equal before and after iff nothing changed."""
    items = _children(obj)
    if items is None:
        return id(obj)
    return (type(obj).__name__, id(obj), tuple((k, _structure(v)) for k, v in items))


def _same_leaves(before: Any, after: Any, path: str = "") -> dict[str, bool]:
    """For every leaf of ``after``: is it the very object found at the same path in ``before``?"""
    items = _children(after)
    if items is None:
        return {path or ".": after is before}
    old = dict(_children(before) or [])
    out: dict[str, bool] = {}
    for key, value in items:
        out.update(_same_leaves(old.get(key, object()), value, f"{path}/{key}"))
    return out


REFERENCE_RUNS = 3
"""Runs of the reference operation before a timed call; the judge keeps the fastest."""


def _run_references(name: str, args: list[Any], mark: Any) -> None:
    """Run a named reference operation on the call's own arguments between marks, then mark
    the start of the call. Nothing is timed here: the judge reads our CPU clock at the marks."""
    from grader.inside.functions import TIMING_REFERENCES

    for thread in _WARMUP:  # its CPU time must not land inside a measurement
        thread.join()
    reference = TIMING_REFERENCES[name]
    for _ in range(REFERENCE_RUNS):
        mark("reference")
        reference(*args)
    mark("call")


def _writes_through(value: Any, tensor: Any) -> bool:
    """Does writing into the returned array change the input tensor (shared memory)?"""
    import numpy as np

    if not isinstance(value, np.ndarray) or tensor is None or value.size == 0:
        return False
    if not value.flags.writeable:
        return False
    old = value.flat[0]
    new = (not old) if value.dtype == np.bool_ else 123
    value.flat[0] = new
    seen = tensor.detach().reshape(-1)[0].item()
    return bool(seen == new)


def _after_facts(encoder: Any, tensor: Any, version: int, with_value: bool) -> dict[str, Any]:
    """Facts about an input tensor right after the call (read with the captured readers)."""
    read = _READ
    leaf = bool(read["is_leaf"](tensor))
    grad = read["grad"](tensor) if leaf else None
    grad_fn = read["grad_fn"](tensor)
    return {
        "value": encoder.encode(read["detach"](tensor)) if with_value else None,
        "version_delta": int(read["version"](tensor) - version),
        "requires_grad": bool(read["requires_grad"](tensor)),
        "is_leaf": leaf,
        "grad_fn": type(grad_fn).__name__ if grad_fn is not None else None,
        "grad": encoder.encode(read["detach"](grad)) if grad is not None else None,
    }


def _backward_works(tensor: Any) -> bool:
    """Can a fresh graph from this leaf still be differentiated (no leaked graph, no error)?"""
    saved = tensor.grad
    try:
        (tensor * 1).sum().backward()
        return True
    except Exception:
        return False
    finally:
        tensor.grad = saved


def _error_info(exc: BaseException, path: str, *, at_import: bool = False) -> dict[str, Any]:
    """Describe an exception as plain data: type names, message, and the student's line."""
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable message>"
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if os.path.abspath(frame.f_code.co_filename) == os.path.abspath(path):
            line = lineno
    if isinstance(exc, SyntaxError) and exc.lineno and line is None:
        line = exc.lineno
    try:
        text = "".join(traceback.format_exception(exc)[-6:])
    except Exception:
        text = ""
    return {
        "type": type(exc).__name__[:64],
        "mro": [f"{c.__module__}.{c.__qualname__}"[:128] for c in type(exc).__mro__][:12],
        "message": message[:500],
        "line": line,
        "file": os.path.basename(path),
        "at_import": at_import,
        "traceback": text[-2000:],
    }


if __name__ == "__main__":
    main()
