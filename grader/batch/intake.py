"""Turn an instructor's download folder into one staged submission per student.

Understood layouts (one entry per student in SUBMISSIONS):
- a folder holding the exercise modules, directly or under ``exercises/`` (or deeper);
- a ``.zip`` of such a folder;
- a single module file (``alice.py``), graded as every module at once;
- a Jupyter notebook (``alice.ipynb``, or the only notebook in a folder or zip with no module),
  graded as the module its definitions make (see ``grader.notebook.extract``);
- a Canvas bulk download: files named ``name_userid_submissionid_original`` (``_LATE_`` too),
  either loose in the folder or as the ``submissions.zip`` itself;
- a Gradescope "export submissions" folder with ``submission_metadata.yml``.

Only the exercise modules are copied into ``DIR/submissions/<student>/``: checks, configuration,
conftest files and anything else in a submission never reach the grader. Links and special
files are refused, never followed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.batch.archives import UnsafeArchive, extract
from grader.batch.roster import Person
from grader.catalog import MODULES
from grader.submission import MAX_SOURCE_BYTES

CANVAS_NAME = re.compile(
    r"^(?P<name>[^_]+)(?:_(?P<late>late))?_(?P<user>\d+)_(?P<sub>\d+)_(?P<original>.+)$",
    re.IGNORECASE,
)
CANVAS_COPY_SUFFIX = re.compile(r"-\d+$")  # Canvas renames a resubmitted file m01.py → m01-1.py
MAX_FILES_PER_SUBMISSION = 5000
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "__MACOSX", "submission_metadata.yml"}


@dataclass(frozen=True)
class Entry:
    """One student's submission, staged for grading (or the reason it can't be)."""

    student: str
    source: str
    """What the instructor's folder held for this student (a name relative to SUBMISSIONS)."""
    staged: Path | None
    """The folder (or single module file) the judge grades; None when rejected."""
    problem: str | None = None
    """Why nothing can be graded (unsafe zip, no modules...), in one line."""
    person: Person | None = None
    """Name and email from the LMS's own metadata, when it had any."""
    late: bool = False
    notes: tuple[str, ...] = ()
    """What of this submission was not graded, and why (every file is accounted for)."""


@dataclass(frozen=True)
class Intake:
    """Everything found in SUBMISSIONS."""

    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = field(default=())
    """One-line remarks for the instructor (skipped files, duplicates)."""


def slug(student: str) -> str:
    """A file or folder name for a student id, unique by construction.

    A readable part (safe characters only, lower case) and a hash of the exact id: two ids that
    clean up alike (``Ann Lee``/``ann_lee``), differ only in case (on macOS and Windows file
    systems), or are names the grader uses itself (``index``) or the OS reserves (``CON``) still
    get names of their own.
    """
    readable = re.sub(r"[^a-z0-9._@-]", "_", student.lower()).strip("._")[:60] or "student"
    return f"{readable}-{hashlib.sha256(student.encode('utf-8')).hexdigest()[:16]}"


def collect(submissions: Path, staging: Path) -> Intake:
    """Find and stage every submission; raises FileNotFoundError/NotADirectoryError on bad input."""
    submissions = Path(submissions)
    staging.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="incoming-", dir=staging))
    try:
        if submissions.is_file():
            if submissions.suffix.lower() != ".zip":
                raise NotADirectoryError(f"{submissions} is neither a folder nor a .zip download")
            try:
                extract(submissions, scratch / "download")
            except UnsafeArchive as exc:
                raise NotADirectoryError(f"{submissions} was refused: {exc}") from None
            submissions = scratch / "download"
        elif not submissions.is_dir():
            raise FileNotFoundError(f"{submissions} does not exist")
        _refuse_one_students_folder(submissions)
        if (submissions / "submission_metadata.yml").is_file():
            entries, notes = _gradescope(submissions, staging, scratch)
        else:
            entries, notes = _plain_and_canvas(submissions, staging, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    notes += [note for entry in entries for note in entry.notes]
    return Intake(entries=tuple(sorted(entries, key=lambda e: e.student)), notes=tuple(notes))


class NotAClass(ValueError):
    """SUBMISSIONS is one student's submission, not a class's; one line with what to do."""


def _refuse_one_students_folder(folder: Path) -> None:
    """A folder that holds exercise modules itself (or under ``exercises/``) is one student's
    work: graded as a class it would turn each module into a fake student."""
    for where in (folder, folder / "exercises"):
        found = [f"{m}.py" for m in MODULES if (where / f"{m}.py").is_file()]
        if found:
            raise NotAClass(
                f"{folder} holds exercise modules itself ({', '.join(found[:3])}"
                f"{', ...' if len(found) > 3 else ''}): it looks like one student's submission. "
                "Give grade batch the folder that holds one folder or zip per student "
                "(grade batch CLASS --student ID regrades one of them), or grade this one "
                f"with: grade run --submission {folder}"
            )


def _plain_and_canvas(folder: Path, staging: Path, scratch: Path) -> tuple[list[Entry], list[str]]:
    notes: list[str] = []
    canvas: dict[str, list[tuple[Path, str, bool]]] = {}
    plain: dict[str, list[Path]] = {}
    for item in sorted(folder.iterdir()):
        if item.name in IGNORED_NAMES or item.name.startswith("."):
            continue
        match = CANVAS_NAME.match(item.name)
        if match and item.is_file() and not item.is_symlink():
            original = match["original"]
            canvas.setdefault(match["user"], []).append((item, original, bool(match["late"])))
            continue
        if item.is_symlink():
            notes.append(f"{item.name}: a link, skipped (links are never followed)")
            continue
        if item.is_dir() or item.suffix.lower() in (".zip", ".py", ".ipynb"):
            student = item.name if item.is_dir() else item.stem
            plain.setdefault(student, []).append(item)
        else:
            notes.append(f"{item.name}: not a folder, .zip, .py or .ipynb file, skipped")
    entries: list[Entry] = []
    for student, items in plain.items():
        if len(items) > 1:
            items.sort(key=lambda p: p.stat().st_mtime)
            notes.append(
                f"{student}: {len(items)} submissions ({', '.join(p.name for p in items)}); "
                f"graded the newest, {items[-1].name}"
            )
        entries.append(_stage_item(student, items[-1], folder, staging, scratch))
    for user, files in canvas.items():
        entries.append(_stage_canvas(user, files, folder, staging, scratch))
    return entries, notes


def _stage_item(student: str, item: Path, root: Path, staging: Path, scratch: Path) -> Entry:
    source = item.relative_to(root).as_posix()
    try:
        if item.is_dir():
            tree = item
        elif item.suffix.lower() == ".zip":
            tree = Path(tempfile.mkdtemp(dir=scratch))
            extract(item, tree)
        elif item.suffix.lower() == ".ipynb":
            return _finish(student, source, _Walked([], [item]), staging)
        else:
            return _finish(student, source, _Walked([item], []), staging)
        return _finish(student, source, _walk(tree), staging)
    except UnsafeArchive as exc:
        return Entry(student, source, None, problem=f"the zip was refused: {exc}")
    except _Refused as exc:
        return Entry(student, source, None, problem=str(exc))


def _stage_canvas(
    user: str, files: list[tuple[Path, str, bool]], root: Path, staging: Path, scratch: Path
) -> Entry:
    tree = Path(tempfile.mkdtemp(dir=scratch))
    late = any(is_late for _, _, is_late in files)
    source = ", ".join(sorted(p.relative_to(root).as_posix() for p, _, _ in files))
    try:
        # Oldest first, so a resubmitted file (Canvas adds -1, -2...) replaces the earlier one.
        for path, original, _ in sorted(files, key=lambda f: (f[0].stat().st_mtime, f[0].name)):
            stem, suffix = os.path.splitext(original)
            stem = CANVAS_COPY_SUFFIX.sub("", stem)
            if suffix.lower() == ".zip":
                extract(path, Path(tempfile.mkdtemp(dir=tree)))
            elif suffix.lower() in (".py", ".ipynb"):
                shutil.copyfile(path, tree / f"{stem}{suffix}")
        return _finish(user, source, _walk(tree), staging, late=late)
    except UnsafeArchive as exc:
        return Entry(user, source, None, problem=f"the zip was refused: {exc}", late=late)
    except _Refused as exc:
        return Entry(user, source, None, problem=str(exc), late=late)


def _gradescope(folder: Path, staging: Path, scratch: Path) -> tuple[list[Entry], list[str]]:
    import yaml

    notes: list[str] = []
    try:
        metadata = yaml.safe_load((folder / "submission_metadata.yml").read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NotADirectoryError(f"submission_metadata.yml could not be read: {exc}") from None
    if not isinstance(metadata, dict):
        raise NotADirectoryError("submission_metadata.yml is not a Gradescope submissions list")
    entries: list[Entry] = []
    for key, info in metadata.items():
        submitters = (info or {}).get(":submitters") or [] if isinstance(info, dict) else []
        sub_folder = folder / str(key)
        for submitter in submitters:
            if not isinstance(submitter, dict):
                continue
            student = str(
                submitter.get(":sid") or submitter.get(":email") or submitter.get(":name") or key
            )
            person = Person(
                student=student,
                name=str(submitter.get(":name") or ""),
                email=str(submitter.get(":email") or ""),
            )
            if not sub_folder.is_dir() or sub_folder.is_symlink():
                entries.append(
                    Entry(student, str(key), None, problem="its folder is missing", person=person)
                )
                continue
            entry = _stage_item(student, sub_folder, folder, staging, scratch)
            entries.append(replace(entry, person=person))
        if not submitters:
            notes.append(f"{key}: no submitters in submission_metadata.yml, skipped")
    return entries, notes


class _Refused(Exception):
    pass


@dataclass(frozen=True)
class _Walked:
    """The files of one submission: Python files, and everything else (accounted for too)."""

    py: list[Path]
    other: list[Path]


def _walk(tree: Path) -> _Walked:
    """Every regular file under ``tree``, links skipped, capped in number."""
    found: list[Path] = []
    other: list[Path] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(tree, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_NAMES)
        for name in sorted(filenames):
            seen += 1
            if seen > MAX_FILES_PER_SUBMISSION:
                raise _Refused(f"it holds more than {MAX_FILES_PER_SUBMISSION} files")
            if name.startswith("._") or name in IGNORED_NAMES:
                continue  # macOS resource forks and the like: not the student's work
            (found if name.endswith(".py") else other).append(Path(dirpath) / name)
    return _Walked(found, other)


def _ignored(walked: _Walked, chosen: dict[str, Path], root: Path) -> list[str]:
    """Why each file that is not graded is not graded, in a few words per file."""

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return path.name

    expected = ", ".join(f"{m}.py" for m in MODULES)
    reasons = []
    graded = set(chosen.values())
    for path in walked.py:
        if path in graded:
            continue
        stem = CANVAS_COPY_SUFFIX.sub("", path.stem)
        if stem in chosen:
            reasons.append(f"{shown(path)} (another copy; {shown(chosen[stem])} was graded)")
        elif path.name.startswith("__"):
            continue  # __init__.py and the like: a package's files, not a misnamed module
        else:
            reasons.append(f"{shown(path)} is not an exercise module (expected one of {expected})")
    reasons += [f"{shown(path)} (not a .py file)" for path in walked.other]
    return reasons


def _module_choice(files: Iterable[Path]) -> dict[str, Path]:
    """For each exercise module, the shallowest file with its name."""
    chosen: dict[str, Path] = {}
    for path in sorted(files, key=lambda p: (len(p.parts), str(p))):
        stem = CANVAS_COPY_SUFFIX.sub("", path.stem)
        if stem in MODULES and stem not in chosen:
            chosen[stem] = path
    return chosen


def _copy_module(path: Path, target: Path) -> None:
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise _Refused(f"{path.name} is a link or special file, not a regular file")
    if info.st_size > MAX_SOURCE_BYTES:
        raise _Refused(f"{path.name} is larger than {MAX_SOURCE_BYTES // 1024} KiB")
    target.write_bytes(path.read_bytes())


def _finish(
    student: str,
    source: str,
    walked: _Walked,
    staging: Path,
    *,
    late: bool = False,
) -> Entry:
    """Copy the chosen modules into ``staging/<student>`` and describe the entry, with a note
    on every file that was not graded."""
    target = staging / slug(student)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    files = walked.py
    modules = _module_choice(files)
    if modules:
        for stem, path in modules.items():
            _copy_module(path, target / f"{stem}.py")
        root = Path(os.path.commonpath([str(p.parent) for p in [*files, *walked.other]]))
        ignored = _ignored(walked, modules, root)
        notes: tuple[str, ...] = ()
        if ignored:
            more = f" and {len(ignored) - 4} more" if len(ignored) > 4 else ""
            notes = (f"{student}: not graded: {'; '.join(ignored[:4])}{more}",)
        return Entry(student, source, target, late=late, notes=notes)
    if len(files) == 1:  # a single module file serves every exercise module
        staged = target / "submission.py"
        _copy_module(files[0], staged)
        return Entry(student, source, staged, late=late)
    notebooks = [p for p in walked.other if p.suffix.lower() == ".ipynb"]
    if not files and len(notebooks) == 1:  # a notebook: graded as the module it defines
        return _stage_notebook(student, source, notebooks[0], target, late=late)
    shutil.rmtree(target, ignore_errors=True)
    what = "several .py files but" if files else "no .py file and"
    return Entry(
        student, source, None, problem=f"it holds {what} none of the exercise modules", late=late
    )


def _stage_notebook(
    student: str, source: str, notebook: Path, target: Path, *, late: bool
) -> Entry:
    """Extract a notebook's definitions into ``target/notebook.py`` (never running it)."""
    from grader.submission import SubmissionError, notebook_submission

    info = os.lstat(notebook)
    if not stat.S_ISREG(info.st_mode):
        raise _Refused(f"{notebook.name} is a link or special file, not a regular file")
    try:
        found = notebook_submission(notebook, into=target)
    except SubmissionError as exc:
        shutil.rmtree(target, ignore_errors=True)
        return Entry(student, source, None, problem=str(exc), late=late)
    notes = ()
    if found.notes:
        more = f" and {len(found.notes) - 4} more" if len(found.notes) > 4 else ""
        notes = (f"{student}: not graded: {'; '.join(found.notes[:4])}{more}",)
    return Entry(student, source, target / "notebook.py", late=late, notes=notes)
