"""A judge that stays up for a whole batch:
``python -m grader.batch.server --isolation JSON --parent PID``.

It receives the batch's :class:`~grader.sandbox.Isolation` itself on its command line (it never
probes a tier of its own), dies with the batch process ``PID``, imports torch, pytest and the
checks once, starts its own zygote at that tier (see :mod:`grader.zygote`), then grades one
submission per request. Requests and answers are JSON lines on stdin and on a private copy of
stdout; anything printed goes to stderr. Student code never runs here: each submission is graded
by the usual judge against workers forked from the zygote.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from grader.sandbox import Isolation


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

    The judge owns one zygote at its tier. At the full tier the zygote's only view of the course
    is ``current/``, a private copy of the submission being graded (read-only). Before each
    submission the zygote must answer a ping (one that was stopped, hung or killed is replaced),
    is swept (whatever the last submission left running is killed) and the copy replaced.
    """

    def __init__(self, home: Path, isolation: Isolation) -> None:
        self.isolation = isolation
        self.home = home
        self.current = home / "current"
        self.current.mkdir()
        self.replaced = 0
        """How many times the zygote had to be replaced (it died or stopped answering)."""
        self.spawner: Any = None
        self._start_zygote()

    def _start_zygote(self) -> None:
        from grader import zygote

        if zygote.available():
            readable = [self.current] if self.isolation.tier == "full" else []
            self.spawner = zygote.Zygote(self.home, isolation=self.isolation, readable=readable)

    def _replace_zygote(self) -> None:
        self.spawner.close()
        self.replaced += 1
        self._start_zygote()

    def launcher(self, cwd: Path) -> Any:
        """Start a worker for the runner (from the zygote; plainly where there is none)."""
        from grader.launch import launch_worker

        if self.spawner is None:
            return launch_worker(cwd, limits=self.isolation.limits.to_env())
        try:
            return self.spawner.spawn(cwd)
        except OSError:
            # Killed or stopped (by the submission being graded?): a fresh zygote, once.
            self._replace_zygote()
            return self.spawner.spawn(cwd)

    def prepare(self, staged: Path) -> Path:
        """The path to grade: at the full tier, a fresh private copy the sandbox can see."""
        from grader.submission import copy_submission, find_submission

        if self.spawner is None:
            return staged
        if not self.spawner.alive():  # killed, stopped or hung by an earlier submission
            self._replace_zygote()
        try:
            self.spawner.sweep()  # (outside a sandbox this only kills daemons left by workers)
        except OSError:
            self._replace_zygote()
        if self.isolation.tier != "full":
            return staged
        # Empty the folder rather than replace it: the sandbox has this very folder mounted.
        for item in self.current.iterdir():
            shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
        return copy_submission(find_submission(staged), self.current).path

    def close(self) -> None:
        """Stop the zygote and everything it started."""
        if self.spawner is not None:
            self.spawner.close()
            self.spawner = None


def main() -> None:
    """Serve grading requests until stdin closes."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grader.batch.server")
    parser.add_argument("--isolation", required=True, help="the batch's Isolation, as JSON")
    parser.add_argument("--parent", required=True, type=int, help="the batch's pid")
    args = parser.parse_args()
    from grader.inside.worker import die_with_parent

    die_with_parent(args.parent)  # first: a killed batch takes its judges with it (Linux)
    out = _protocol_stream()
    import torch

    from grader.sandbox import Isolation

    torch.set_num_threads(1)
    home = Path(tempfile.mkdtemp(prefix="tensorgrade-judge-"))
    judge = Judge(home, Isolation.from_json(args.isolation))
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
