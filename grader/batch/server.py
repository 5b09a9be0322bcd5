"""A judge that stays up for a whole batch: ``python -m grader.batch.server``.

It imports torch, pytest and the checks once, attaches to the batch's zygote (see
:mod:`grader.zygote`; or starts its own), then grades one submission per request. Requests and
answers are JSON lines on stdin and on a private copy of stdout; anything printed goes to
stderr. Student code never runs here: each submission is graded by the usual judge against
workers forked from the zygote.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, TextIO

ZYGOTE_ENV = "TENSORGRADE_ZYGOTE"
"""Set by the batch pool: the socket of the zygote all judges share."""


def _protocol_stream() -> TextIO:
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return out


def handle(job: dict[str, Any], launcher: Any) -> dict[str, Any]:
    """Grade one job; the answer holds the schema-v1 report (hidden messages included)."""
    from grader.judge import UsageError, grade
    from grader.reporters.jsonfile import to_dict
    from grader.submission import SubmissionError

    try:
        report = grade(
            job["path"],
            exercises=tuple(job.get("exercises") or ()),
            seed=int(job["seed"]),
            device=str(job.get("device", "auto")),
            timeout_s=float(job.get("timeout_s", 10.0)),
            reveal_hidden=True,
            launcher=launcher,
        )
    except (SubmissionError, UsageError) as exc:
        return {"id": job["id"], "problem": str(exc)}
    except Exception as exc:  # a grader bug: report it for this submission, keep serving
        return {
            "id": job["id"],
            "error": f"the grader failed: {type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc()[-2000:],
        }
    return {"id": job["id"], "report": to_dict(report)}


def main() -> None:
    """Serve grading requests until stdin closes."""
    out = _protocol_stream()
    import torch

    from grader import zygote

    torch.set_num_threads(1)
    home = Path(tempfile.mkdtemp(prefix="tensorgrade-judge-"))
    shared = os.environ.get(ZYGOTE_ENV)
    spawner = None
    if shared:
        spawner = zygote.Zygote.attach(shared)
    elif zygote.available():
        spawner = zygote.Zygote(home)
    import grader.judge  # noqa: F401  (pytest and the checks' imports, before the first job)

    gc.collect()
    gc.freeze()  # the imports live for the whole batch: keep collections from walking them

    out.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    out.flush()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            job = json.loads(line)
            answer = handle(job, spawner.spawn if spawner else None)
            out.write(json.dumps(answer) + "\n")
            out.flush()
    finally:
        if spawner is not None:
            spawner.close()
    os._exit(0)


if __name__ == "__main__":
    main()
