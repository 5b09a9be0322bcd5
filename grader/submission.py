"""Find a submission's exercise modules on disk (the judge reads them as text, never imports)."""

from __future__ import annotations

import hashlib
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import MODULES, Exercise

MAX_SOURCE_BYTES = 1024 * 1024


class SubmissionError(Exception):
    """The submission path cannot be graded (missing, unreadable, not Python)."""


class SourceRefused(Exception):
    """A module whose bytes the grader will not read as Python (not UTF-8); one line."""


@dataclass(frozen=True)
class ModuleSource:
    """One module's text as the judge checked it, and the hash of the very bytes it came from:
    the worker runs only bytes with this hash, so the rules and the code that runs agree."""

    text: str
    sha256: str


def decode_source(data: bytes, name: str) -> str:
    """``data`` decoded exactly as Python decodes a source file, UTF-8 only.

    A coding cookie naming any other encoding is refused: the same bytes read as UTF-8 (by the
    rules) and as, say, UTF-7 (by Python) are two different programs.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:  # undecodable first lines, or a cookie naming no known encoding
        raise SourceRefused(
            f"{name} is not valid UTF-8 (or names an unknown encoding): save the file as UTF-8"
        ) from None
    if encoding not in ("utf-8", "utf-8-sig"):
        raise SourceRefused(
            f"{name} declares the encoding {encoding!r} in a coding line; submissions are read "
            "as UTF-8 only: remove that line and save the file as UTF-8"
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceRefused(
            f"{name} is not valid UTF-8 (at byte {exc.start}): save the file as UTF-8"
        ) from None


@dataclass(frozen=True)
class Submission:
    """Where each exercise module of one submission lives."""

    path: Path
    """What the user named: a folder of exercise modules or one module file."""
    files: dict[str, Path]
    """Exercise module stem → file; a single-file submission serves every module."""
    notes: tuple[str, ...] = ()
    """What of the submission is not graded, one line each (a notebook's dropped statements)."""

    def file_for(self, exercise: Exercise) -> Path | None:
        """The file holding this exercise's functions, or None if the submission lacks it."""
        return self.files.get(exercise.module)

    def source(self, exercise: Exercise) -> ModuleSource | None:
        """The exercise's module, read once (capped) and decoded as Python would; None if missing
        or unreadable. Raises SourceRefused for bytes that are not UTF-8 Python."""
        file = self.file_for(exercise)
        if file is None:
            return None
        try:
            data = file.read_bytes()[:MAX_SOURCE_BYTES]
        except OSError:
            return None
        return ModuleSource(decode_source(data, file.name), hashlib.sha256(data).hexdigest())

    def sha256(self) -> str:
        """A hash over the graded files' names and bytes, in module order."""
        digest = hashlib.sha256()
        for file in sorted(set(self.files.values())):
            digest.update(file.name.encode() + b"\0")
            try:
                digest.update(file.read_bytes())
            except OSError:
                digest.update(b"<unreadable>")
            digest.update(b"\0")
        return digest.hexdigest()


def find_submission(path: Path) -> Submission:
    """Resolve a folder (modules directly or under ``exercises/``) or a single ``.py`` file."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path} does not exist")
    if path.is_file():
        if path.suffix.lower() == ".ipynb":
            return notebook_submission(path)
        if path.suffix != ".py":
            raise SubmissionError(f"{path} is not a Python file (.py) or a notebook (.ipynb)")
        resolved = path.resolve()
        return Submission(path=path, files=dict.fromkeys(MODULES, resolved))
    if not path.is_dir():
        raise SubmissionError(f"{path} is neither a folder nor a .py file")
    folder = path
    if not any((folder / f"{m}.py").is_file() for m in MODULES) and (path / "exercises").is_dir():
        folder = path / "exercises"
    files = {m: (folder / f"{m}.py").resolve() for m in MODULES if (folder / f"{m}.py").is_file()}
    if not files:
        expected = ", ".join(f"{m}.py" for m in MODULES)
        raise SubmissionError(f"{path} holds none of the exercise modules ({expected})")
    return Submission(path=path, files=files)


def copy_submission(found: Submission, into: Path) -> Submission:
    """Copy a submission's module files into ``into`` (for a sandbox to see) and find them there."""
    into.mkdir(parents=True, exist_ok=True)
    for file in sorted(set(found.files.values())):
        (into / file.name).write_bytes(file.read_bytes()[:MAX_SOURCE_BYTES])
    if len(set(found.files.values())) == 1 and found.path.is_file():
        return find_submission(into / next(iter(found.files.values())).name)
    return find_submission(into)


_EXTRACTED: list[Path] = []


def _extraction_folder() -> Path:
    """A folder for modules extracted from notebooks, removed when the process exits."""
    if not _EXTRACTED:
        import atexit
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="tensorgrade-notebooks-"))
        atexit.register(shutil.rmtree, folder, True)
        _EXTRACTED.append(folder)
    return _EXTRACTED[0]


def notebook_submission(path: Path, into: Path | None = None) -> Submission:
    """A notebook graded as one module holding its definitions (see grader.notebook.extract).

    The extracted module is written into ``into`` (a batch's staging folder) or a folder that
    lives as long as this process; the notes name every statement that was left out.
    """
    from grader.notebook.extract import NotebookError, extract_notebook

    try:
        extracted = extract_notebook(path)
    except NotebookError as exc:
        raise SubmissionError(str(exc)) from None
    data = extracted.source.encode("utf-8")
    if into is None:
        into = _extraction_folder() / hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    into.mkdir(parents=True, exist_ok=True)
    module = into / "notebook.py"
    module.write_bytes(data)
    return Submission(
        path=path, files=dict.fromkeys(MODULES, module.resolve()), notes=extracted.dropped
    )
