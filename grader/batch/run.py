"""``grade batch``: stage a class's submissions, grade what changed in parallel, record, export."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import grader
from grader.batch import exports
from grader.batch.classreport import write_class_report
from grader.batch.gradebook import Gradebook, Outcome, now
from grader.batch.intake import Entry, collect
from grader.batch.pool import Job, JobResult, JudgePool
from grader.batch.progress import Progress
from grader.batch.roster import read_roster
from grader.catalog import select
from grader.sandbox import Isolation
from grader.submission import SubmissionError, find_submission

CHECKS_DIR = Path(grader.__file__).parent / "checks"


class BatchError(Exception):
    """The batch can't start (bad folder, bad roster, bad option); one line for the user."""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did."""

    found: int
    graded: int
    skipped: int
    statuses: dict[str, int]
    notes: tuple[str, ...]
    out: Path
    elapsed_s: float
    isolation: str
    """What the gradebook's reports recorded: the tier every submission's workers ran at."""


def checks_version(checks_dir: Path = CHECKS_DIR) -> str:
    """A hash of every check file and the catalog: changes whenever grading could change."""
    digest = hashlib.sha256()
    files = [*sorted(checks_dir.rglob("*.py")), checks_dir.parent / "catalog.py"]
    for file in files:
        digest.update(file.relative_to(checks_dir.parent).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def default_jobs() -> int:
    """One judge per core."""
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


def _status(report: dict) -> str:
    statuses = {e["status"] for e in report.get("exercises", [])}
    if "grader_error" in statuses:
        return "grader_error"
    if "forbidden" in statuses:  # flagged for the instructor: it tried to reach internals
        return "flagged"
    if "timed_out" in statuses:
        return "timeout"
    if "error" in statuses:
        return "error"
    return "ok"


def _entry_hash(entry: Entry) -> str:
    if entry.staged is None:
        return "rejected:" + hashlib.sha256((entry.problem or "").encode()).hexdigest()
    try:
        return find_submission(entry.staged).sha256()
    except SubmissionError:
        return "unreadable"


def run_batch(
    submissions: Path,
    out: Path,
    *,
    jobs: int | None = None,
    timeout_s: float = 10.0,
    only: Sequence[str] = (),
    regrade: bool = False,
    roster: Path | None = None,
    seed: int | None = None,
    device: str = "auto",
    isolation: Isolation,
    stream: TextIO,
    live: bool | None = None,
) -> BatchSummary:
    """Grade every new or changed submission in ``submissions`` into ``out``; see the README.

    Every worker runs at ``isolation`` (the caller probed it and decided it is acceptable).
    """
    import time

    started = time.monotonic()
    try:
        chosen = select(list(only))
    except KeyError as exc:
        raise BatchError(exc.args[0]) from None
    if timeout_s <= 0:
        raise BatchError("--timeout must be a positive number of seconds")
    selection = ",".join(e.id for e in chosen)
    max_score = float(sum(e.points for e in chosen))
    out.mkdir(parents=True, exist_ok=True)
    people = read_roster(roster) if roster is not None else ()
    try:
        intake = collect(submissions, out / "submissions")
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise BatchError(str(exc)) from None
    version = checks_version()
    notes = list(intake.notes)
    with Gradebook(out / "gradebook.sqlite") as book:
        if seed is not None and seed != book.seed:
            book.set_seed(seed)
        batch_seed = book.seed
        if people:
            book.add_people(people, in_roster=True)
        book.add_people([e.person for e in intake.entries if e.person], in_roster=False)
        if book.has_roster():
            known = {p.student for p in people} or {
                r["student"] for r in book.rows() if r["in_roster"]
            }
            strangers = sorted(e.student for e in intake.entries if e.student not in known)
            if strangers:
                notes.append(
                    f"not in the roster (graded, exported without SIS ids): {', '.join(strangers)}"
                )
            absent = sorted(known - {e.student for e in intake.entries})
            if absent:
                notes.append(f"in the roster without a submission: {', '.join(absent)}")
        graded = book.graded()
        todo: list[Entry] = []
        hashes: dict[str, str] = {}
        for entry in intake.entries:
            hashes[entry.student] = _entry_hash(entry)
            before = graded.get(entry.student)
            unchanged = (
                before is not None
                and before.status != "grader_error"
                and (
                    before.sha256,
                    before.checks_version,
                    before.selection,
                    before.seed,
                )
                == (hashes[entry.student], version, selection, batch_seed)
            )
            if regrade or not unchanged:
                todo.append(entry)
        progress = Progress(len(todo), stream, live=live)
        by_student = {e.student: e for e in todo}

        def record(result: JobResult) -> None:
            entry = by_student[result.job.student]
            status = {"report": None, "problem": "rejected"}.get(result.kind, result.kind)
            # (a judge that died twice is "grader_error": graded again on the next run)
            if result.kind == "report" and result.report is not None:
                status = _status(result.report)
            outcome = Outcome(
                student=entry.student,
                source=entry.source,
                sha256=hashes[entry.student],
                grader_version=grader.__version__,
                checks_version=version,
                selection=selection,
                seed=batch_seed,
                started_at=_iso(result.started_at),
                finished_at=now(),
                status=str(status),
                duration_s=result.duration_s,
                late=entry.late,
                message=result.message,
                report=result.report,
                max_score=max_score,
            )
            book.record(outcome)
            progress.add(outcome.status)

        gradable: list[Job] = []
        for entry in todo:
            if entry.staged is None:
                moment = time.monotonic()
                record(
                    JobResult(
                        Job(entry.student, Path("."), batch_seed, (), timeout_s, 0),
                        "problem",
                        moment,
                        moment,
                        message=entry.problem,
                    )
                )
                continue
            gradable.append(
                Job(
                    student=entry.student,
                    path=entry.staged,
                    seed=batch_seed,
                    exercises=tuple(e.id for e in chosen) if only else (),
                    timeout_s=timeout_s,
                    wall_limit_s=max(120.0, timeout_s * (len(chosen) + 3)),
                    device=device,
                )
            )
        if gradable:
            size = min(jobs or default_jobs(), len(gradable))
            with (
                open(out / "batch.log", "a", encoding="utf-8") as log,
                JudgePool(size, isolation=isolation, log=log) as pool,
            ):
                pool.run(gradable, record)
        progress.finish()
        notes += exports.write_all(book, out / "exports")
        recorded = recorded_isolation(book.tiers(), isolation)
        shown = recorded + (f" — {isolation.warning()}" if isolation.warning() else "")
        write_class_report(book, out / "report.html", notes=notes, isolation=shown)
        counts: dict[str, int] = {}
        for row in book.rows():
            if row["status"] is not None:
                counts[row["status"]] = counts.get(row["status"], 0) + 1
    return BatchSummary(
        found=len(intake.entries),
        graded=len(todo),
        skipped=len(intake.entries) - len(todo),
        statuses=counts,
        notes=tuple(notes),
        out=out,
        elapsed_s=round(time.monotonic() - started, 2),
        isolation=recorded,
    )


def recorded_isolation(tiers: dict[str, int], isolation: Isolation) -> str:
    """One line on the tiers the gradebook's reports recorded, e.g. ``full (bubblewrap 0.8.0)
    for all 30 graded submissions``, or ``full for 28, reduced for 2 graded submissions``."""
    total = sum(tiers.values())
    if not total:
        return f"{isolation.label()}; no submission graded yet"
    if set(tiers) == {isolation.tier}:
        return f"{isolation.label()} for all {total} graded submissions"
    mixed = ", ".join(f"{tier} for {count}" for tier, count in sorted(tiers.items()))
    return f"{mixed} graded submissions (this run: {isolation.label()})"


def _iso(monotonic_moment: float) -> str:
    import time
    from datetime import datetime, timezone

    wall = time.time() - (time.monotonic() - monotonic_moment)
    return datetime.fromtimestamp(wall, timezone.utc).isoformat(timespec="seconds")
