"""``grade release``, ``grade init`` and ``grade gradescope-autograder``: handing the course out.

Registered on the ``grade`` group by :mod:`grader.cli`. The instructor commands import
:mod:`grader.distribute` only when run, so a student release (which leaves it out) still lists
them and says why they cannot run there.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import click

import grader
from grader.catalog import MODULES

INSTRUCTOR_ONLY = "is an instructor command: this install is a student release, which leaves it out"


def stub_folder() -> Path | None:
    """Where this install keeps the exercise stubs: ``grader/stubs`` in a release or its wheel,
    else the ``exercises/`` folder of the source checkout the grader runs from."""
    package = Path(grader.__file__).resolve().parent
    for folder in (package / "stubs", package.parent / "exercises"):
        if all((folder / f"{m}.py").is_file() for m in MODULES):
            return folder
    return None


def _instructor_tools_here() -> bool:
    """Whether this install has the instructor tools (a student release leaves them out).

    Asked of the folder, not of the import system, which an editable install elsewhere on the
    machine could answer for it."""
    return (Path(grader.__file__).resolve().parent / "distribute" / "release.py").is_file()


def register(group: click.Group, fatal: Callable[[str], click.ClickException]) -> None:
    """Add the commands to ``group``; ``fatal`` makes the one-line error a command exits with."""

    @group.command("init")
    @click.argument("folder", type=click.Path(path_type=Path))
    def init(folder: Path) -> None:
        """Write the exercise stubs into FOLDER/exercises, ready for `grade` in FOLDER."""
        source = stub_folder()
        if source is None:
            raise fatal("this install has no exercise stubs; reinstall the course's release")
        target = folder / "exercises"
        existing = [f"{m}.py" for m in MODULES if (target / f"{m}.py").exists()]
        if existing:  # never overwrite a student's work
            raise fatal(
                f"{target} already holds {', '.join(existing)}; nothing was written "
                "(choose another folder, or move your work first)"
            )
        try:
            target.mkdir(parents=True, exist_ok=True)
            for module in MODULES:
                shutil.copy(source / f"{module}.py", target / f"{module}.py")
            if not (target / "__init__.py").exists():
                (target / "__init__.py").write_text("")
        except OSError as exc:
            raise fatal(f"cannot write {target}: {exc.strerror or exc}") from None
        click.echo(f"wrote {len(MODULES)} exercise modules into {target}")
        click.echo(f"next: cd {folder} && grade")

    @group.command("release")
    @click.argument("out", type=click.Path(path_type=Path))
    @click.option(
        "--stubs",
        type=click.Path(path_type=Path),
        default="exercises",
        show_default=True,
        help="The generated stubs to hand out.",
    )
    @click.option("--wheel", is_flag=True, help="Also build the student wheel into OUT/dist.")
    def release(out: Path, stubs: Path, wheel: bool) -> None:
        """Write the student bundle into OUT: stubs, visible checks and grader, nothing else."""
        if not _instructor_tools_here():
            raise fatal(f"grade release {INSTRUCTOR_ONLY}")
        from grader.distribute.release import ReleaseError, build_release

        try:
            made = build_release(out, stubs=stubs, wheel=wheel)
        except ReleaseError as exc:
            raise fatal(str(exc)) from None
        except OSError as exc:
            raise fatal(f"cannot write {out}: {exc.strerror or exc}") from None
        click.echo(
            f"wrote the student release into {made.folder} ({made.files} files): "
            f"{made.withheld_checks} hidden checks ({made.withheld_points:g} points) left out"
        )
        if made.wheel is not None:
            click.echo(f"wheel: {made.wheel}")

    @group.command("gradescope-autograder")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--timeout",
        "timeout_s",
        type=click.FloatRange(min=0, min_open=True),
        default=10.0,
        show_default=True,
        help="Seconds one call of a student's function may take.",
    )
    @click.option(
        "--seed",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Base seed: every submission is graded on the same inputs.",
    )
    @click.option(
        "--isolation",
        type=click.Choice(("auto", "full", "reduced")),
        default="auto",
        show_default=True,
        help="auto: full (bubblewrap) where the container allows it; results.json says which.",
    )
    def gradescope_autograder(out: Path, timeout_s: float, seed: int, isolation: str) -> None:
        """Write OUT.zip, a Gradescope autograder with every check (hidden ones included)."""
        if not _instructor_tools_here():
            raise fatal(f"grade gradescope-autograder {INSTRUCTOR_ONLY}")
        from grader.distribute.gradescope import AutograderError, build_autograder

        if out.suffix != ".zip":
            raise fatal(f"{out} must end in .zip (Gradescope takes a zip file)")
        try:
            files = build_autograder(out, timeout_s=timeout_s, seed=seed, isolation=isolation)
        except AutograderError as exc:
            raise fatal(str(exc)) from None
        except OSError as exc:
            raise fatal(f"cannot write {out}: {exc.strerror or exc}") from None
        click.echo(f"wrote {out} ({files} files): upload it as the assignment's autograder")
