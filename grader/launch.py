"""Start a worker process using only the standard library.

Kept free of torch so the command line can launch the worker first and let its ``import torch``
run alongside the judge's own (two imports in parallel cost about as much as one).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def worker_environment() -> dict[str, str]:
    """The worker's environment: ours with one thread per library (parallel workers share cores)."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[name] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def launch_worker(
    cwd: Path, *, argv: list[str] | None = None, limits: str | None = None
) -> subprocess.Popen[bytes]:
    """Start ``python -I -m grader.inside.worker`` (or ``argv``, e.g. under bwrap) in ``cwd``, in a
    process group of its own, with the resource limits described by ``limits`` (JSON).

    ``-I`` keeps the current folder, PYTHONPATH and user site-packages off the worker's path, so
    a submission cannot shadow modules or reach the course folder through ``sys.path``.
    """
    posix = os.name == "posix"
    env = worker_environment()
    if limits is not None:
        env["TENSORGRADE_LIMITS"] = limits
    return subprocess.Popen(
        argv or [sys.executable, "-I", "-m", "grader.inside.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=posix,
        creationflags=0 if posix else subprocess.CREATE_NEW_PROCESS_GROUP,
    )
