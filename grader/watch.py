"""``grade watch``: regrade on save, on a judge that stays warm.

The judge (this process) imports torch and the checks once, and, at the reduced tier, keeps one
zygote that forks a fresh worker for every regrade. Each time a file of the submission is saved
(polled: no dependency, and the same on every OS), the exercises whose code changed are graded
again: an exercise's fingerprint is the code of its functions and of every helper, alias and
import they reach, so editing one function regrades only the exercises that use it.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Exercise
from grader.model import GradeReport
from grader.sandbox import Isolation
from grader.submission import SourceRefused, Submission, SubmissionError, find_submission


@dataclass(frozen=True)
class WatchOptions:
    """What each regrade is asked for (the options of ``grade run``)."""

    exercises: tuple[Exercise, ...]
    seed: int
    device: str
    timeout_s: float
    isolation: Isolation


def _stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a file of the submission is saved: names, sizes, modification times."""
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    stamps = []
    for file in files:
        with contextlib.suppress(OSError):
            info = file.stat()
            stamps.append((str(file), info.st_size, info.st_mtime_ns))
    return tuple(stamps)


def fingerprints(found: Submission, exercises: Sequence[Exercise]) -> dict[str, str]:
    """Exercise id → a hash of the code that exercise runs (its functions and what they reach);
    a module that does not parse fingerprints as its whole text."""
    from grader.rules import reachable

    prints = {}
    for exercise in exercises:
        try:
            source = found.source(exercise)
        except SourceRefused as exc:
            prints[exercise.id] = f"refused:{exc}"
            continue
        if source is None:
            prints[exercise.id] = "missing"
            continue
        try:
            tree = ast.parse(source.text)
        except SyntaxError:
            prints[exercise.id] = source.sha256
            continue
        code = [
            ast.dump(node) for function in exercise.all_functions
            for node in reachable(tree, function)
        ]  # fmt: skip
        prints[exercise.id] = hashlib.sha256("\n".join(code).encode()).hexdigest()
    return prints


class Watcher:
    """The warm judge: grades ``submission`` again whenever the code of an exercise changes."""

    def __init__(self, submission: Path, options: WatchOptions) -> None:
        self.submission = submission
        self.options = options
        self._zygote = None
        self._folder = Path(tempfile.mkdtemp(prefix="tensorgrade-watch-"))

    def __enter__(self) -> Watcher:
        from grader import zygote

        if self.options.isolation.tier == "reduced" and zygote.available():
            self._zygote = zygote.Zygote(self._folder, isolation=self.options.isolation)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the zygote (and so every worker) and remove the scratch folder."""
        import shutil

        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        shutil.rmtree(self._folder, ignore_errors=True)

    def grade(self, exercises: Sequence[Exercise]) -> GradeReport:
        """Grade these exercises now, on the warm judge."""
        from grader.judge import grade

        launcher = None
        if self._zygote is not None:
            if not self._zygote.alive():  # (a worker's crash never takes it; a kill might)
                from grader import zygote

                self._zygote.close()
                self._zygote = zygote.Zygote(self._folder, isolation=self.options.isolation)
            launcher = self._zygote.spawn
        return grade(
            self.submission,
            exercises=[e.id for e in exercises],
            seed=self.options.seed,
            device=self.options.device,
            timeout_s=self.options.timeout_s,
            isolation=self.options.isolation,
            launcher=launcher,
        )

    def changes(
        self, *, interval_s: float = 0.25, stop: Callable[[], bool] = lambda: False
    ) -> Iterator[tuple[Exercise, ...]]:
        """Yield the exercises to regrade: all chosen ones first, then each time a save changes
        the code of some of them. Unparsable saves and vanished files wait for the next save."""
        chosen = self.options.exercises
        stamp = _stamp(self.submission)
        found = find_submission(self.submission)
        before = fingerprints(found, chosen)
        yield chosen
        while not stop():
            time.sleep(interval_s)
            if stop():
                return
            now = _stamp(self.submission)
            if now == stamp:
                continue
            stamp = now
            try:
                found = find_submission(self.submission)
            except SubmissionError:
                continue  # (an editor that saves by delete-and-rename: the file is back soon)
            after = fingerprints(found, chosen)
            changed = tuple(e for e in chosen if after[e.id] != before[e.id])
            before = after
            if changed:
                yield changed
