"""Partial regrades: what each stored result was graded from, what is out of date, and merging.

A student's gradebook entry holds one result per exercise, each with its provenance (the bytes
of the module that holds the exercise, the checks of that module with the grader's version, and
the seed). A batch grades, for each student, only the chosen exercises whose result is missing
or out of date, and merges the new results into the stored ones: ``--only 3.4`` regrades 3.4
and keeps every other exercise's result, a resubmitted ``m03_broadcasting.py`` regrades the
exercises of module 3 only, and a change to module 3's checks regrades module 3 for everyone.
Totals and points possible are always over every exercise the gradebook holds for the student.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import grader
from grader.batch.gradebook import Provenance
from grader.catalog import CATALOG, MODULES, Exercise
from grader.model import ExerciseResult, ExerciseStatus, GradeReport
from grader.reporters.jsonfile import to_dict
from grader.submission import SubmissionError, find_submission

CHECKS_DIR = Path(grader.__file__).parent / "checks"
ORDER = {e.id: i for i, e in enumerate(CATALOG)}


def checks_versions(checks_dir: Path = CHECKS_DIR) -> dict[str, str]:
    """Exercise module → a hash of everything that decides its grades: the grader's version, the
    shared check code, the ini file and the catalog, and that module's visible and hidden checks.
    """
    shared = hashlib.sha256(grader.__version__.encode() + b"\0")
    own: dict[str, list[Path]] = {}
    files = [*sorted(checks_dir.rglob("*.py")), checks_dir / "pytest.ini"]
    for file in [*files, checks_dir.parent / "catalog.py"]:
        if file.parent in (checks_dir, checks_dir / "hidden") and file.stem in MODULES:
            own.setdefault(file.stem, []).append(file)
        elif file.is_file():
            shared.update(file.relative_to(checks_dir.parent).as_posix().encode() + b"\0")
            shared.update(file.read_bytes() + b"\0")
    versions = {}
    for module in MODULES:
        digest = shared.copy()
        for file in own.get(module, []):
            digest.update(file.relative_to(checks_dir.parent).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
        versions[module] = digest.hexdigest()[:16]
    return versions


def module_hashes(staged: Path) -> dict[str, str]:
    """Exercise module → sha256 of the bytes the student submitted for it (absent: missing)."""
    try:
        found = find_submission(staged)
    except SubmissionError:
        return {}
    out = {}
    for module, path in found.files.items():
        try:
            out[module] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return out


def current(
    exercise: Exercise, hashes: dict[str, str], versions: dict[str, str], seed: int
) -> Provenance:
    """What a result of ``exercise`` graded now would be graded from."""
    return Provenance(hashes.get(exercise.module, ""), versions[exercise.module], seed)


def out_of_date(
    chosen: Sequence[Exercise],
    stored: dict[str, tuple[Provenance, str]],
    now_from: dict[str, Provenance],
    *,
    regrade: bool,
) -> list[Exercise]:
    """The chosen exercises to grade: all with ``regrade``; otherwise those with no stored
    result, a result graded from something else, or a grader fault (never a grade)."""
    return [
        e
        for e in chosen
        if regrade
        or e.id not in stored
        or stored[e.id][0] != now_from[e.id]
        or stored[e.id][1] == "grader_error"
    ]


def stale_elsewhere(
    chosen: Iterable[Exercise],
    stored: dict[str, tuple[Provenance, str]],
    now_from: dict[str, Provenance],
) -> list[str]:
    """Stored results outside the selection that were graded from something that has changed."""
    chosen_ids = {e.id for e in chosen}
    return sorted(
        (i for i, (made, _) in stored.items() if i not in chosen_ids and made != now_from.get(i)),
        key=lambda i: ORDER.get(i, len(ORDER)),
    )


def merge(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """``new``'s exercises replace ``old``'s of the same id; the rest of ``old`` is kept; the
    score and points possible are over every exercise the result holds, in catalog order."""
    exercises = {e["id"]: e for e in (old or {}).get("exercises", [])}
    exercises.update({e["id"]: e for e in new.get("exercises", [])})
    ordered = sorted(exercises.values(), key=lambda e: ORDER.get(e["id"], len(ORDER)))
    merged = {**(old or {}), **new}
    merged["exercises"] = ordered
    merged["score"] = round(sum(float(e["score"]) for e in ordered), 6)
    merged["max_score"] = round(sum(float(e["max_score"]) for e in ordered), 6)
    return merged


def unfinished(
    exercises: Sequence[Exercise],
    status: ExerciseStatus,
    *,
    seed: int,
    started_at: str,
    submission: Path,
    isolation: dict[str, Any] | None,
) -> dict[str, Any]:
    """A schema-v1 report for exercises that a whole-submission failure (the submission's time
    limit, a crash of its judge) left without a result: 0 points each, with that status (the
    submission's message says why). Recorded like any result, so an unchanged submission is not
    graded again on the next run."""
    report = GradeReport(
        tool_version=grader.__version__,
        torch_version="",
        submission_path=str(submission),
        submission_sha256="",
        seed=seed,
        devices=(),
        started_at=started_at,
        duration_s=0.0,
        exercises=tuple(
            ExerciseResult(e.id, e.name, 0.0, float(e.points), status, ()) for e in exercises
        ),
        hidden_included=True,
        isolation=isolation,
    )
    return to_dict(report)
