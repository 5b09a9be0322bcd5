"""The worker's resource limits, applied in the worker before student code runs."""

from __future__ import annotations

import contextlib
import json
import os

LIMITS_ENV = "TENSORGRADE_LIMITS"


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
    cpu = spec.get("cpu_s")
    if cpu is not None:  # SIGXCPU at the soft limit, well before the kernel's SIGKILL at the hard
        # one: a SIGKILL then always comes from outside (the OOM killer, an operator).
        with contextlib.suppress(ValueError, OSError):
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            top = int(cpu) + 30 if hard == resource.RLIM_INFINITY else min(int(cpu) + 30, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (min(int(cpu), top), top))
    wanted = {
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
