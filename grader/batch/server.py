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
import shutil
import sys
import tempfile
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from grader.sandbox import Isolation

ZYGOTE_ENV = "TENSORGRADE_ZYGOTE"
"""Set by the batch pool: the socket of the zygote all judges share (reduced tier)."""
ISOLATION_ENV = "TENSORGRADE_ISOLATION"
"""Set by the batch pool: the tier every judge must run its workers at."""


def _protocol_stream() -> TextIO:
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return out


def handle(job: dict[str, Any], judge: Judge) -> dict[str, Any]:
    """Grade one job; the answer holds the schema-v1 report (hidden messages included)."""
    from grader.judge import UsageError, grade
    from grader.reporters.jsonfile import to_dict
    from grader.submission import SubmissionError

    try:
        path = judge.prepare(Path(job["path"]))
        report = grade(
            path,
            exercises=tuple(job.get("exercises") or ()),
            seed=int(job["seed"]),
            device=str(job.get("device", "auto")),
            timeout_s=float(job.get("timeout_s", 10.0)),
            reveal_hidden=True,
            launcher=judge.launcher,
            isolation=judge.isolation,
        )
    except (SubmissionError, UsageError) as exc:
        return {"id": job["id"], "problem": str(exc)}
    except Exception as exc:  # a grader bug: report it for this submission, keep serving
        return {
            "id": job["id"],
            "error": f"the grader failed: {type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc()[-2000:],
        }
    answer = to_dict(report)
    answer["submission"]["path"] = str(job["path"])  # not the judge's private copy
    return {"id": job["id"], "report": answer}


class Judge:
    """Where this judge's workers come from, and what they can see.

    At the full tier the judge owns a sandboxed zygote whose only view of the course is
    ``current/``, a private copy of the submission being graded: before each submission the
    sandbox is swept (whatever the last one left running is killed) and the copy replaced. At
    the reduced tier workers come from the batch's shared zygote (or the judge's own).
    """

    def __init__(self, home: Path, isolation: Isolation) -> None:
        from grader import zygote

        self.isolation = isolation
        self.home = home
        self.current = home / "current"
        self.current.mkdir()
        self.spawner: zygote.Zygote | None = None
        shared = os.environ.get(ZYGOTE_ENV)
        if shared and isolation.tier != "full":
            self.spawner = zygote.Zygote.attach(shared)
        else:
            self._start_own()

    def _start_own(self) -> None:
        from grader import zygote

        if zygote.available():
            readable = [self.current] if self.isolation.tier == "full" else []
            self.spawner = zygote.Zygote(self.home, isolation=self.isolation, readable=readable)

    def launcher(self, cwd: Path) -> Any:
        """Start a worker for the runner (from the zygote; plainly where there is none)."""
        from grader.launch import launch_worker

        if self.spawner is None:
            return launch_worker(cwd, limits=self.isolation.limits.to_env())
        try:
            return self.spawner.spawn(cwd)
        except OSError:
            if self.spawner.process is None:  # the batch's shared zygote: the pool restarts it
                raise
            # Our own zygote died (a submission can kill it): start a fresh one, once.
            self.spawner.close()
            self._start_own()
            return self.spawner.spawn(cwd)  # type: ignore[union-attr]

    def prepare(self, staged: Path) -> Path:
        """The path to grade: at the full tier, a fresh private copy the sandbox can see."""
        from grader.submission import copy_submission, find_submission

        own = self.spawner is not None and self.spawner.process is not None
        if own and self.spawner.process.poll() is not None:  # type: ignore[union-attr]
            self.spawner.close()  # killed (by a submission?): start a fresh one
            self._start_own()
        if self.spawner is None:
            return staged
        self.spawner.sweep()  # (outside a sandbox this only kills daemons left by workers)
        if self.isolation.tier != "full":
            return staged
        # Empty the folder rather than replace it: the sandbox has this very folder mounted.
        for item in self.current.iterdir():
            shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
        return copy_submission(find_submission(staged), self.current).path

    def close(self) -> None:
        """Stop the zygote (if it is ours) or detach from it."""
        if self.spawner is not None:
            self.spawner.close()


def main() -> None:
    """Serve grading requests until stdin closes."""
    out = _protocol_stream()
    from grader.worker import die_with_parent

    die_with_parent(os.getppid())  # a killed batch takes its judges with it (Linux)
    import torch

    from grader import sandbox

    torch.set_num_threads(1)
    home = Path(tempfile.mkdtemp(prefix="tensorgrade-judge-"))
    isolation = sandbox.probe(os.environ.get(ISOLATION_ENV, "reduced"))
    if torch.cuda.is_available():  # the workers' limits and device nodes must allow CUDA
        isolation = replace(isolation, limits=replace(isolation.limits, cuda=True))
    judge = Judge(home, isolation)
    import grader.judge  # noqa: F401  (pytest and the checks' imports, before the first job)

    gc.collect()
    gc.freeze()  # the imports live for the whole batch: keep collections from walking them

    out.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    out.flush()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            answer = handle(json.loads(line), judge)
            out.write(json.dumps(answer) + "\n")
            out.flush()
    finally:
        judge.close()
        shutil.rmtree(home, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main()
