"""What ``run_autograder`` runs inside Gradescope's container: grade the submission, write
``results/results.json`` per Gradescope's specification, and never leave it unwritten.

``python -m grader.distribute.autograder --root /autograder`` (the root is ``AUTOGRADER_ROOT``
in ``run_autograder``, so a test can lay out a temporary folder like the container).
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from grader import sandbox
from grader.judge import ChecksBroken, UsageError, grade
from grader.reporters import gradescope
from grader.submission import SubmissionError, find_submission
from grader.terminal_text import one_line


def submission_folder(root: Path) -> Path:
    """The uploaded files: the submission folder, or the one folder a student zipped them in."""
    folder = root / "submission"
    try:
        find_submission(folder)
        return folder
    except SubmissionError:
        inner = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        return inner[0] if len(inner) == 1 else folder


def refused(message: str, started: float) -> dict[str, Any]:
    """Results for a submission that could not be graded at all: 0 points and why."""
    return {
        "score": 0,
        "execution_time": math.ceil(time.monotonic() - started),
        "output": f"Your submission could not be graded: {one_line(message)}",
        "tests": [],
    }


def run(root: Path, *, timeout_s: float, seed: int, isolation: str) -> dict[str, Any]:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns the results."""
    started = time.monotonic()
    try:
        contained = sandbox.probe(isolation)
        with tempfile.TemporaryDirectory(prefix="tensorgrade-") as work:
            report = grade(
                submission_folder(root),
                isolation=contained,
                seed=seed,
                timeout_s=timeout_s,
                workdir=Path(work),
            )
        results = gradescope.to_dict(report)
        tier = report.isolation or {}
        results["output"] += f"\nIsolation: {tier.get('tier')} ({tier.get('tool')})"
    except (SubmissionError, UsageError, sandbox.IsolationError) as exc:
        results = refused(str(exc), started)
    except ChecksBroken as exc:  # the instructor's checks, not the student's code
        results = refused(f"the autograder itself is broken ({exc}); tell your instructor", started)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line of ``run_autograder``."""
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--isolation", choices=("auto", "full", "reduced"), required=True)
    args = parser.parse_args(argv)
    run(args.root, timeout_s=args.timeout, seed=args.seed, isolation=args.isolation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
