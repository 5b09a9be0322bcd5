"""The judge: runs the checks with pytest against a submission and turns outcomes into a score.

Student code never runs here. The judge reads the submission's files as text (for rule checks and
the hash), sends inputs to a worker process, and compares what comes back with expected values it
computes itself. Any conftest.py, ini file or plugin near the submission is ignored: pytest runs on
the grader's own check folder, with an explicit ini file, ``--noconftest`` and plugin autoload off.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import torch
from pytest_jsonreport.plugin import JSONReport

import grader
from grader import sandbox, seeding
from grader.catalog import Exercise, select
from grader.launch import launch_worker
from grader.model import CheckResult, ExerciseResult, ExerciseStatus, GradeReport, Withheld
from grader.plugin import METADATA_KEY, GraderPlugin, GradingContext
from grader.runner import DEFAULT_TIMEOUT_S, Launcher, StudentRunner
from grader.sandbox import Isolation
from grader.student import Devices
from grader.submission import Submission, copy_submission, find_submission

CHECKS_DIR = Path(__file__).parent / "checks"
DEVICE_CHOICES = ("auto", "cpu", "meta", "cuda")
# Built-in pytest plugins the checks never use; each one's per-check hooks cost time.
UNUSED_PYTEST_PLUGINS = (
    "doctest",
    "junitxml",
    "pastebin",
    "tmpdir",
    "monkeypatch",
    "recwarn",
    "setuponly",
    "setupplan",
    "stepwise",
    "warnings",
    "faulthandler",
    "subtests",
    "debugging",
    "nose",
)


class ChecksBroken(Exception):
    """The grader's own checks can't grade (they fail to load, or their points disagree with
    the catalog): an installation problem, never a student's; one line."""


class UsageError(Exception):
    """A request the judge cannot honour (unknown id, missing CUDA...); one line for the user."""


def resolve_devices(device: str) -> Devices:
    """Map ``--device`` to the values device and the device round."""
    cuda = torch.cuda.is_available()
    if device == "auto":
        return Devices(values="cpu", device_round=("meta", "cuda") if cuda else ("meta",))
    if device == "cuda":
        if not cuda:
            raise UsageError("--device cuda was asked for, but CUDA is not available here")
        return Devices(values="cuda", device_round=("cuda",))
    if device in ("cpu", "meta"):
        return Devices(values="cpu", device_round=(device,))
    raise UsageError(f"unknown device {device!r}; choose from {', '.join(DEVICE_CHOICES)}")


def hidden_checks_included(checks_dir: Path = CHECKS_DIR) -> bool:
    """Whether this install ships hidden checks (a student release may leave them out)."""
    return any((checks_dir / "hidden").glob("m*.py"))


WITHHELD_FILE = "withheld.json"
"""Written by ``grade release`` next to the visible checks: per exercise, the hidden checks'
count and points."""


def withheld_checks(checks_dir: Path = CHECKS_DIR) -> tuple[Withheld, ...]:
    """The hidden checks a student release leaves out, per exercise; empty with every check."""
    path = checks_dir / WITHHELD_FILE
    if hidden_checks_included(checks_dir) or not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Withheld(exercise_id=k, checks=int(v["checks"]), points=float(v["points"]))
        for k, v in sorted(data.items())
    )


@contextlib.contextmanager
def _isolated_pytest_env() -> Iterator[None]:
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def _check_files(checks_dir: Path, exercises: Sequence[Exercise]) -> list[str]:
    """The check files of the chosen exercises' modules (collecting others is wasted time)."""
    modules = dict.fromkeys(e.module for e in exercises)
    files = [
        folder / f"{module}.py"
        for module in modules
        for folder in (checks_dir, checks_dir / "hidden")
        if (folder / f"{module}.py").is_file()
    ]
    return [str(f) for f in files] or [str(checks_dir)]


def _run_checks(context: GradingContext, checks_dir: Path) -> list[dict[str, Any]]:
    report_plugin = JSONReport()
    args = [
        *_check_files(checks_dir, context.exercises),
        "-c",
        str(checks_dir / "pytest.ini"),
        "--rootdir",
        str(checks_dir),
        "--noconftest",
        "-p",
        "no:cacheprovider",
        "-p",
        "pytest_jsonreport.plugin",
        "--json-report-file=none",
        "--capture=no",
        "--tb=no",
        "-q",
        "--assert=plain",  # checks raise CheckFailed themselves; rewriting only costs compile time
        # Plugins the judge has no use for; unraisableexception alone costs 0.2 s of gc.collect.
        "-p",
        "no:unraisableexception",
        "-p",
        "no:threadexception",
        "-p",
        "no:logging",
        *(arg for name in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{name}")),
        "--json-report-omit",  # takes the rest of the command line: keep it last
        "log",
        "streams",
        "traceback",
        "keywords",
    ]
    sink = io.StringIO()
    with _isolated_pytest_env(), contextlib.redirect_stdout(sink):
        pytest.main(args, plugins=[GraderPlugin(context), report_plugin])
    report = report_plugin.report or {}
    collect_errors = [
        c for c in report.get("collectors", []) if c.get("outcome") not in (None, "passed")
    ]
    if collect_errors:
        raise ChecksBroken(f"the grader's checks failed to load: {collect_errors[0]}")
    if context.inconsistent:
        raise ChecksBroken(
            "the grader's checks disagree with its catalog: " + "; ".join(context.inconsistent)
        )
    return [t for t in report.get("tests", []) if METADATA_KEY in t.get("metadata", {})]


def _duration(test: dict[str, Any]) -> float:
    return round(sum(float(test.get(s, {}).get("duration", 0.0)) for s in ("setup", "call")), 6)


def _status(checks: Sequence[CheckResult]) -> ExerciseStatus:
    outcomes = {c.outcome for c in checks}
    if outcomes and outcomes <= {"missing", "skipped"} and "missing" in outcomes:
        return "missing"
    if outcomes and outcomes <= {"not_attempted", "skipped"} and "not_attempted" in outcomes:
        return "not_attempted"
    if "grader_error" in outcomes:  # not the student's doing: never a grade
        return "grader_error"
    if "forbidden" in outcomes:
        return "forbidden"
    if "timeout" in outcomes:
        return "timed_out"
    if "error" in outcomes:
        return "error"
    if outcomes - {"passed", "skipped"}:
        return "failed"
    return "passed"


def _exercise_results(
    exercises: Sequence[Exercise],
    tests: list[dict[str, Any]],
    *,
    reveal_hidden: bool,
    withheld: dict[str, float],
) -> tuple[ExerciseResult, ...]:
    by_exercise: dict[str, list[CheckResult]] = {e.id: [] for e in exercises}
    for test in tests:
        meta = test["metadata"][METADATA_KEY]
        passed = meta["outcome"] == "passed"
        hidden = meta["visibility"] == "hidden"
        by_exercise.setdefault(meta["exercise"], []).append(
            CheckResult(
                id=meta["id"],
                name=meta["name"],
                exercise_id=meta["exercise"],
                kind=meta["kind"],
                points=meta["max_points"] if passed else 0.0,
                max_points=meta["max_points"],
                outcome=meta["outcome"],
                visibility=meta["visibility"],
                message=None if passed or (hidden and not reveal_hidden) else meta["message"],
                duration_s=_duration(test),
            )
        )
    results = []
    for exercise in exercises:
        checks = tuple(by_exercise[exercise.id])
        results.append(
            ExerciseResult(
                id=exercise.id,
                name=exercise.name,
                score=round(sum(c.points for c in checks), 6),
                # (a student release grades only the visible points: it says so, never more)
                max_score=round(float(exercise.points) - withheld.get(exercise.id, 0.0), 6),
                status=_status(checks),
                checks=checks,
            )
        )
    return tuple(results)


def _own_launcher(
    found: Submission, isolation: Isolation, cleanup: contextlib.ExitStack
) -> tuple[Submission, Launcher]:
    """How this run starts its workers; at the full tier, also the private copy they grade."""
    limits = isolation.limits.to_env()
    if isolation.tier != "full":
        return found, functools.partial(launch_worker, limits=limits)
    folder = Path(tempfile.mkdtemp(prefix="tensorgrade-sandbox-"))
    cleanup.callback(shutil.rmtree, folder, True)
    private = copy_submission(found, folder / "submission")
    runtime = sandbox.make_runtime(folder / "runtime")
    argv = sandbox.worker_argv(isolation, runtime=runtime, readable=[private.path])
    return private, functools.partial(launch_worker, argv=argv, limits=limits)


def grade(
    submission: Path | str = "exercises",
    *,
    isolation: Isolation,
    exercises: Sequence[str] = (),
    seed: int | None = None,
    device: str = "auto",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    reveal_hidden: bool = False,
    checks_dir: Path = CHECKS_DIR,
    prelaunched: subprocess.Popen[bytes] | None = None,
    workdir: Path | None = None,
    launcher: Launcher | None = None,
) -> GradeReport:
    """Grade a submission (a folder of exercise modules or one module file).

    Raises SubmissionError for an unreadable submission and UsageError for a bad request.
    ``isolation`` (required: no tier is assumed) decides how workers are started and is recorded
    in the report. A ``launcher`` (e.g. a judge's zygote) or a ``prelaunched`` worker must have
    been started at that very tier by the caller.
    """
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    found = find_submission(Path(submission))
    try:
        chosen = select(list(exercises))
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    if timeout_s <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    devices = resolve_devices(device)
    base_seed = seeding.new_base_seed() if seed is None else int(seed)
    if devices.values == "cuda" or "cuda" in devices.device_round:
        # CUDA reserves far more address space than it uses: limit data size instead.
        isolation = replace(isolation, limits=replace(isolation.limits, cuda=True))
    with contextlib.ExitStack() as cleanup:
        graded = found
        if launcher is None:  # (a prelaunched worker only stands in for the first one)
            graded, launcher = _own_launcher(found, isolation, cleanup)
        runner = StudentRunner(
            timeout_s=timeout_s, prelaunched=prelaunched, workdir=workdir, launcher=launcher
        )
        cleanup.callback(runner.close)
        context = GradingContext(
            submission=graded,
            runner=runner,
            seed=base_seed,
            devices=devices,
            exercises=chosen,
            complete_checks=hidden_checks_included(checks_dir),
            withheld={w.exercise_id: w.points for w in withheld_checks(checks_dir)},
        )
        tests = _run_checks(context, checks_dir)
    return GradeReport(
        tool_version=grader.__version__,
        torch_version=torch.__version__,
        submission_path=str(found.path),
        submission_sha256=found.sha256(),
        seed=base_seed,
        devices=(devices.values, *devices.device_round),
        started_at=started_at,
        duration_s=round(time.perf_counter() - started, 3),
        exercises=_exercise_results(
            chosen,
            tests,
            reveal_hidden=reveal_hidden,
            withheld={w.exercise_id: w.points for w in withheld_checks(checks_dir)},
        ),
        hidden_included=hidden_checks_included(checks_dir),
        isolation=isolation.describe(),
        withheld=tuple(
            w for w in withheld_checks(checks_dir) if w.exercise_id in {e.id for e in chosen}
        ),
    )
