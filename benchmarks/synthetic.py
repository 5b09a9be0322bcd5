"""Synthetic classes for the batch benchmark and tests.

Solutions, stubs and mutants in turn, plus one submission that hangs and one that crashes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.catalog import BY_ID
from grader.validate import load_mutants, mutant_submission

ROOT = Path(__file__).resolve().parents[1]
HANG = "\n\ndef {name}(*args, **kwargs):\n    while True:\n        pass\n"
# A real crash from code the reflection rule allows: NumPy's as_strided does not check bounds,
# so reading far past a one-element array ends the worker with SIGSEGV.
CRASH = (
    "\n\ndef {name}(*args, **kwargs):\n    import numpy as np\n"
    "    a = np.lib.stride_tricks.as_strided(np.zeros(1), shape=(1 << 20,), strides=(1 << 40,))\n"
    "    return a.sum()\n"
)


def _broken(into: Path, exercise_id: str, template: str) -> None:
    for source in (ROOT / "solutions").glob("m*.py"):
        shutil.copy(source, into / source.name)
    exercise = BY_ID[exercise_id]
    module = into / exercise.filename
    module.write_text(module.read_text() + template.format(name=exercise.name))


def make_class(
    folder: Path, count: int, *, hang: bool = True, crash: bool = True
) -> dict[str, str]:
    """Write ``count`` submission folders into ``folder``; returns student → kind."""
    folder.mkdir(parents=True, exist_ok=True)
    mutants = load_mutants(ROOT / "tests" / "mutants")
    kinds: dict[str, str] = {}
    for i in range(count):
        student = f"student{i:03d}"
        into = folder / student
        into.mkdir()
        if hang and i == 1:
            _broken(into, "1.1", HANG)
            kinds[student] = "hang"
        elif crash and i == 2:
            _broken(into, "1.1", CRASH)
            kinds[student] = "crash"
        elif i % 3 == 0:
            shutil.copytree(ROOT / "solutions", into, dirs_exist_ok=True, ignore=_pyc)
            kinds[student] = "solution"
        elif i % 3 == 1:
            shutil.copytree(ROOT / "exercises", into, dirs_exist_ok=True, ignore=_pyc)
            kinds[student] = "stub"
        else:
            mutant = mutants[(i * 7) % len(mutants)]
            mutant_submission(mutant, ROOT / "solutions", into)
            kinds[student] = f"mutant {mutant.path.stem}"
    return kinds


def _pyc(_: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]
