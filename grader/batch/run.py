"""``grade batch``: stage a class's submissions, grade what changed in parallel, record, export."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import grader
from grader.batch import exports, partial
from grader.batch.classreport import write_class_report
from grader.batch.gradebook import Gradebook, Outcome, Provenance, now
from grader.batch.intake import Entry, NotAClass, collect
from grader.batch.pool import Job, JobResult, JudgePool
from grader.batch.progress import Progress
from grader.batch.roster import read_roster
from grader.catalog import CATALOG, Exercise, select
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
    """One hash over every module's checks version (see :func:`partial.checks_versions`)."""
    versions = partial.checks_versions(checks_dir)
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]


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
    students: Sequence[str] = (),
    roster: Path | None = None,
    seed: int | None = None,
    device: str = "auto",
    isolation: Isolation,
    stream: TextIO,
    live: bool | None = None,
    dask: DaskTarget | None = None,
) -> BatchSummary:
    """Grade every new or changed submission in ``submissions`` into ``out``; see the README.

    With ``students``, only those students' submissions are graded, changed or not; nobody else
    is touched. Every worker runs at ``isolation`` (the caller probed it and decided it is
    acceptable). With ``dask``, the submissions are graded on that Dask cluster instead, each
    Dask worker probing its own machine for ``isolation.tier`` (see grader.batch.dask_pool).
    """
    import time

    started = time.monotonic()
    try:
        chosen = select(list(only))
    except KeyError as exc:
        raise BatchError(exc.args[0]) from None
    if timeout_s <= 0:
        raise BatchError("--timeout must be a positive number of seconds")
    out.mkdir(parents=True, exist_ok=True)
    people = read_roster(roster) if roster is not None else ()
    try:
        intake = collect(submissions, out / "submissions")
    except (FileNotFoundError, NotADirectoryError, NotAClass) as exc:
        raise BatchError(str(exc)) from None
    if students:
        found = {e.student for e in intake.entries}
        unknown = sorted(set(students) - found)
        if unknown:
            near = sorted(found)[:8]
            raise BatchError(
                f"no submission for {', '.join(unknown)} in {submissions} "
                f"(students there: {', '.join(near)}{', ...' if len(found) > 8 else ''})"
            )
        wanted = set(students)
        intake = replace(intake, entries=tuple(e for e in intake.entries if e.student in wanted))
        regrade = True  # asked for by name: graded again, changed or not
    version = checks_version()
    notes = list(intake.notes)
    with Gradebook(out / "gradebook.sqlite") as book:
        if seed is not None and seed != book.seed:
            book.set_seed(seed)
        batch_seed = book.seed
        if people:
            book.add_people(people, in_roster=True)
        book.add_people([e.person for e in intake.entries if e.person], in_roster=False)
        if book.has_roster() and not students:  # (a few named students: no class roll-call)
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
        stored = book.provenance()
        versions = partial.checks_versions()
        todo: list[Entry] = []
        needed: dict[str, list[Exercise]] = {}
        now_from: dict[str, dict[str, Provenance]] = {}
        stale: dict[str, list[str]] = {}
        hashes: dict[str, str] = {}
        for entry in intake.entries:
            hashes[entry.student] = _entry_hash(entry)
            if entry.staged is None:  # rejected at intake: recorded again when it changes
                before = graded.get(entry.student)
                if regrade or before is None or before.sha256 != hashes[entry.student]:
                    todo.append(entry)
                continue
            modules = partial.module_hashes(entry.staged)
            now_from[entry.student] = {
                e.id: partial.current(e, modules, versions, batch_seed) for e in CATALOG
            }
            mine = stored.get(entry.student, {})
            needed[entry.student] = partial.out_of_date(
                chosen, mine, now_from[entry.student], regrade=regrade
            )
            if needed[entry.student]:
                todo.append(entry)
            if only:
                stale[entry.student] = partial.stale_elsewhere(
                    chosen, mine, now_from[entry.student]
                )
        if any(stale.values()):
            who = sorted(s for s, ids in stale.items() if ids)
            notes.append(
                f"{len(who)} student(s) have results outside --only graded from files or checks "
                f"that changed since ({', '.join(who[:5])}{', ...' if len(who) > 5 else ''}): "
                "run without --only to regrade them"
            )
        progress = Progress(len(todo), stream, live=live)
        by_student = {e.student: e for e in todo}

        def record(result: JobResult) -> None:
            entry = by_student[result.job.student]
            status = {"report": None, "problem": "rejected"}.get(result.kind, result.kind)
            # (a judge that died twice is "grader_error": graded again on the next run)
            report = None
            provenance: dict[str, Provenance] = {}
            if entry.staged is not None:
                old = book.stored_report(entry.student)
                kept = stored.get(entry.student, {})
                provenance = {i: made for i, (made, _) in kept.items()}
                graded_now = needed[entry.student]
                if result.kind == "report" and result.report is not None:
                    new = result.report
                elif result.kind in ("timeout", "error"):  # the whole submission: 0 for each
                    new = partial.unfinished(
                        graded_now,
                        "timed_out" if result.kind == "timeout" else "error",
                        seed=batch_seed,
                        started_at=_iso(result.started_at),
                        submission=entry.staged,
                        isolation=isolation.describe(),
                    )
                else:  # a grader fault: no grade; keep what was stored, grade again next run
                    new, graded_now = {}, []
                    for e in needed[entry.student]:
                        provenance.pop(e.id, None)
                report = partial.merge(old, new) if (old or new) else None
                for e in graded_now:
                    provenance[e.id] = now_from[entry.student][e.id]
                if result.kind == "report" and report is not None:
                    status = _status(report)
            outcome = Outcome(
                student=entry.student,
                source=entry.source,
                sha256=hashes[entry.student],
                grader_version=grader.__version__,
                checks_version=version,
                selection=",".join(e["id"] for e in (report or {}).get("exercises", [])),
                seed=batch_seed,
                started_at=_iso(result.started_at),
                finished_at=now(),
                status=str(status),
                duration_s=result.duration_s,
                late=entry.late,
                message=result.message,
                report=report,
                max_score=float((report or {}).get("max_score", 0.0)),
                provenance=provenance,
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
            exercises = needed[entry.student]
            gradable.append(
                Job(
                    student=entry.student,
                    path=entry.staged,
                    seed=batch_seed,
                    exercises=tuple(e.id for e in exercises),
                    timeout_s=timeout_s,
                    wall_limit_s=max(120.0, timeout_s * (len(exercises) + 3)),
                    device=device,
                )
            )
        if gradable and dask is not None:
            from grader.batch import dask_pool

            try:
                with dask_pool.DaskPool(
                    dask.address, tier=isolation.tier, workers=dask.workers
                ) as cluster:
                    cluster.run(gradable, record)
            except (
                dask_pool.DaskUnavailable,
                dask_pool.SchedulerGone,
                dask_pool.WorkerIsolationError,
            ) as exc:
                progress.finish()
                raise BatchError(str(exc)) from None
        elif gradable:
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


@dataclass(frozen=True)
class DaskTarget:
    """Where ``grade batch --dask`` grades: a scheduler's address, or ``local`` (a LocalCluster
    of ``workers`` processes started for this batch)."""

    address: str
    workers: int | None = None


def parse_dask_target(text: str, default_workers: int) -> DaskTarget:
    """``tcp://host:8786`` (any scheduler address), ``local`` or ``local:N``; ValueError else."""
    if text == "local" or text.startswith("local:"):
        count = text.partition(":")[2] or str(default_workers)
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"--dask {text}: the number of local workers must be 1 or more")
        return DaskTarget("local", int(count))
    if "://" not in text and ":" not in text:
        raise ValueError(
            f"--dask {text}: give a scheduler address (tcp://host:8786) or local[:N]"
        )
    return DaskTarget(text)


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
