"""The ``grade`` command line: options in, a library call, a reporter, an exit code.

``grade`` alone is ``grade run``. Exit codes: 0 when grading ran (any score), 1 when
``--fail-under`` is not met (or ``validate`` finds a problem), 2 for bad usage or unreadable input.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from grader import __version__
from grader.catalog import CATALOG, MODULES, select
from grader.sandbox import Isolation
from grader.submission import SourceRefused, Submission, SubmissionError, find_submission
from grader.terminal_text import one_line

EXIT_OK, EXIT_FAIL_UNDER, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "gradescope", "prairielearn", "lti-ags", "junit")
DEVICES = ("auto", "cpu", "meta", "cuda")
EXPORT_FORMATS = (
    "csv", "canvas", "moodle", "json", "gradescope", "feedback", "prairielearn", "lti-ags", "junit",
)  # fmt: skip
ISOLATIONS = ("auto", "full", "reduced")


class Fatal(click.ClickException):
    """A one-line error for the user, exit code 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        # (messages can name the user's or a student's files: nothing in them may act)
        click.echo(f"grade: error: {one_line(self.format_message())}", err=True)


class DefaultRunGroup(click.Group):
    """A group whose default command is ``run``: ``grade --seed 3`` means ``grade run --seed 3``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first not in self.commands and first not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultRunGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tensorgrade")
def cli() -> None:
    """Grade PyTorch tensor exercises. `grade` alone grades ./exercises."""


@cli.command()
@click.argument("ids", nargs=-1)
@click.option(
    "--submission",
    "submission",
    type=click.Path(path_type=Path),
    default="exercises",
    show_default=True,
    help="A folder of exercise modules, a single module file, or a notebook (.ipynb).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Base seed; the report prints it so a run can be replayed.",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "meta", "cuda"]),
    default="auto",
    show_default=True,
    help="auto: values on cpu, device round on meta (+ cuda).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds one call of your function may take.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="What to print.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the JSON report (schema v1) to this file.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 when the score is below this percentage.",
)
@click.option(
    "--isolation",
    type=click.Choice(ISOLATIONS),
    default="reduced",
    show_default=True,
    help="How your code is contained: reduced (limits only) or full (bubblewrap, Linux).",
)
@click.option(
    "--lti-user-id",
    default=None,
    help="The student's user id in the LMS (required by --format lti-ags).",
)
def run(
    ids: tuple[str, ...],
    submission: Path,
    seed: int | None,
    device: str,
    timeout_s: float,
    fmt: str,
    json_path: Path | None,
    fail_under: float | None,
    isolation: str,
    lti_user_id: str | None,
) -> None:
    """Grade exercises (all, or the given IDS such as 3.4)."""
    from grader import sandbox

    if (fmt == "lti-ags") != bool(lti_user_id):
        raise Fatal(
            "--format lti-ags needs --lti-user-id (the student's user id in the LMS)"
            if fmt == "lti-ags"
            else "--lti-user-id goes with --format lti-ags only"
        )
    _check_before_anything_slow(submission, device)
    try:
        select(list(ids))
        found = find_submission(submission)
        contained = sandbox.probe(isolation)
    except KeyError as exc:
        raise Fatal(exc.args[0]) from None
    except (SubmissionError, sandbox.IsolationError) as exc:
        raise Fatal(str(exc)) from None
    for note in found.notes:  # e.g. a notebook's prints and loops, which are not graded
        click.echo(f"grade: note: {one_line(note)}", err=True)
    for name in _not_modules(found):  # nothing vanishes: a misnamed module is said out loud
        click.echo(
            f"grade: note: {one_line(name)} is not an exercise module, so it is not graded "
            f"(expected one of {', '.join(f'{m}.py' for m in MODULES)})",
            err=True,
        )
    # Start the worker before the judge imports torch: the two imports then run side by side.
    # (A sandboxed worker is started by the judge, once it has copied the submission for it.)
    from grader.launch import launch_worker

    workdir = tempfile.TemporaryDirectory(prefix="tensorgrade-")
    worker = (
        launch_worker(Path(workdir.name), limits=contained.limits.to_env())
        if contained.tier != "full"
        else None
    )
    try:
        from grader.judge import ChecksBroken, UsageError, grade
        from grader.reporters import REPORTERS
        from grader.reporters.jsonfile import render as render_json

        # Everything imported so far lives until exit: freezing it keeps the collector (and
        # hypothesis's one full gc.collect, 0.1 s over torch's objects) from scanning it.
        gc.freeze()
        try:
            report = grade(
                submission,
                exercises=ids,
                seed=seed,
                device=device,
                timeout_s=timeout_s,
                prelaunched=worker,
                workdir=Path(workdir.name),
                isolation=contained,
            )
        except (UsageError, SubmissionError, ChecksBroken) as exc:
            raise Fatal(str(exc)) from None
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        workdir.cleanup()
    if json_path is not None:
        try:
            with json_path.open("w", encoding="utf-8") as out:
                render_json(report, out)
        except OSError as exc:
            raise Fatal(f"cannot write {json_path}: {exc.strerror}") from None
    if fmt == "lti-ags":
        from grader.reporters import lti_ags

        reporter = lti_ags.renderer(str(lti_user_id))
    else:
        reporter = REPORTERS[fmt]
    reporter(report, click.get_text_stream("stdout"))
    percent = 100.0 * report.score / report.max_score if report.max_score else 100.0
    if fail_under is not None and percent < fail_under:
        click.echo(f"grade: score {percent:.1f}% is under --fail-under {fail_under:g}%", err=True)
        raise SystemExit(EXIT_FAIL_UNDER)


def _check_before_anything_slow(submission: Path, device: str) -> None:
    """One-line errors for what can be known in milliseconds, before torch is imported."""
    from grader import sandbox

    if device == "cuda" and sys.platform != "win32" and not sandbox.gpu_present():
        raise Fatal(
            "--device cuda was asked for, but this machine has no NVIDIA GPU (no /dev/nvidia*); "
            "use --device auto or cpu"
        )
    if not submission.exists():
        raise Fatal(
            f"{submission} does not exist in {Path.cwd()}: run grade from the folder that holds "
            "your exercises/ folder (cd there first), or give its path with --submission PATH"
        )


def _not_modules(found: Submission) -> list[str]:
    """The .py files beside a folder submission's modules that are not exercise modules."""
    if found.path.is_file() or not found.files:
        return []
    folder = next(iter(found.files.values())).parent
    return sorted(  # (__init__.py and friends are a package's, not misnamed modules)
        p.name for p in folder.glob("*.py") if p.stem not in MODULES and not p.name.startswith("__")
    )


def _status(source: str | None, function: str) -> str:
    from grader import rules

    if source is None:
        return "missing file"
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return f"syntax error (line {exc.lineno})"
    if not rules.find_bindings(tree, function):
        return "missing function"
    return "not started" if rules.is_stub(tree, function) else "attempted"


@cli.command("list")
@click.option(
    "--submission",
    type=click.Path(path_type=Path),
    default="exercises",
    show_default=True,
    help="A folder of exercise modules, or a single module file.",
)
def list_exercises(submission: Path) -> None:
    """List the exercises with their points and whether you have started them."""
    try:
        found = find_submission(submission)
    except SubmissionError as exc:
        raise Fatal(str(exc)) from None
    width = max(len(e.name) for e in CATALOG)
    click.echo(f"  {'ID':<5} {'Exercise':<{width}}  {'Points':>6}  {'Stars':<5}  Status")
    for e in CATALOG:
        try:
            read = found.source(e)
            status = _status(None if read is None else read.text, e.name)
        except SourceRefused:
            status = "not UTF-8"
        click.echo(f"  {e.id:<5} {e.name:<{width}}  {e.points:>6g}  {'*' * e.stars:<5}  {status}")
    click.echo(f"\n  {len(CATALOG)} exercises, {sum(e.points for e in CATALOG):g} points")


@cli.command()
@click.option(
    "--solutions", type=click.Path(path_type=Path), default="solutions", show_default=True
)
@click.option("--stubs", type=click.Path(path_type=Path), default="exercises", show_default=True)
@click.option(
    "--mutants", type=click.Path(path_type=Path), default="tests/mutants", show_default=True
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
def validate(solutions: Path, stubs: Path, mutants: Path, seed: int) -> None:
    """Prove the grader: solutions full marks, stubs zero, every mutant caught (instructors)."""
    for folder in (solutions, stubs, mutants):
        if not folder.is_dir():
            raise Fatal(f"{folder} is not a folder")
    from grader import sandbox
    from grader.validate import validate as run_validation

    def show(finding: Any) -> None:
        mark = "ok  " if finding.ok else "FAIL"
        click.echo(f"  [{mark}] {finding.subject}: {finding.detail}")

    try:
        findings = run_validation(
            solutions=solutions,
            stubs=stubs,
            mutants=mutants,
            # The instructor's own solutions and mutants: limits, no sandbox needed.
            isolation=sandbox.probe("reduced"),
            seed=seed,
            progress=show,
        )
    except (ValueError, SubmissionError) as exc:
        raise Fatal(str(exc)) from None
    bad = [f for f in findings if not f.ok]
    click.echo(f"\n{len(findings) - len(bad)} of {len(findings)} proofs hold.")
    if bad:
        raise SystemExit(EXIT_FAIL_UNDER)


@cli.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Output folder: gradebook.sqlite, exports/, report.html.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel judges [default: number of cores].",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds allowed per call of a student function.",
)
@click.option(
    "--only", "only", multiple=True, metavar="ID", help="Grade only these exercises (repeatable)."
)
@click.option("--regrade", is_flag=True, help="Grade every submission again, changed or not.")
@click.option(
    "--student",
    "students",
    multiple=True,
    metavar="ID",
    help="Grade only this student's submission, changed or not (repeatable).",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    default=None,
    help="Class list CSV: ids, names, emails, SIS ids.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Input seed for the class [default: chosen once per gradebook].",
)
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True)
@click.option(
    "--isolation",
    type=click.Choice(("full", "reduced")),
    default="full",
    show_default=True,
    help="How student code is contained: full (bubblewrap, Linux) or, only when you say so, "
    "reduced (resource limits only: not contained).",
)
@click.option(
    "--require-isolation",
    type=click.Choice(("full",)),
    default=None,
    help="Refuse to run below this tier (the default already is full).",
)
@click.option(
    "--dask",
    "dask_target",
    default=None,
    metavar="ADDRESS|local[:N]",
    help="Grade on a Dask cluster: a scheduler's address (tcp://host:8786), or local[:N] to "
    "start N worker processes here (needs pip install 'tensorgrade[dask]').",
)
def batch(
    submissions: Path,
    out: Path,
    jobs: int | None,
    timeout_s: float,
    only: tuple[str, ...],
    regrade: bool,
    students: tuple[str, ...],
    roster: Path | None,
    seed: int | None,
    device: str,
    isolation: str,
    require_isolation: str | None,
    dask_target: str | None,
) -> None:
    """Grade a class's submissions in parallel into OUT/gradebook.sqlite (instructors)."""
    from grader.batch.roster import RosterError
    from grader.batch.run import BatchError, default_jobs, parse_dask_target, run_batch

    stderr = click.get_text_stream("stderr")
    dask = None
    if dask_target is not None:
        from grader.batch.dask_pool import DaskUnavailable, distributed_module

        try:
            dask = parse_dask_target(dask_target, jobs or default_jobs())
            distributed_module()
        except (ValueError, DaskUnavailable) as exc:
            raise Fatal(str(exc)) from None
        if require_isolation == "full" and isolation != "full":
            raise Fatal("--require-isolation full contradicts --isolation reduced")
        # Each Dask worker probes its own machine for this tier; none is probed here.
        contained = _requested_isolation(isolation)
    else:
        contained = _batch_isolation(isolation, require_isolation)
    if contained.warning():
        click.echo(f"grade: warning: {contained.warning()}", err=True)
    try:
        with _signals_interrupt():
            summary = run_batch(
                submissions,
                out,
                jobs=jobs,
                timeout_s=timeout_s,
                only=only,
                regrade=regrade,
                students=students,
                roster=roster,
                seed=seed,
                device=device,
                isolation=contained,
                stream=stderr,
                dask=dask,
            )
    except (BatchError, RosterError) as exc:
        raise Fatal(str(exc)) from None
    except _Interrupted as stop:
        click.echo(
            f"\ngrade: interrupted ({stop.name}); every submission finished so far is saved. "
            "Run the same command again to grade the rest.",
            err=True,
        )
        raise SystemExit(128 + stop.signum) from None
    click.echo(
        f"{summary.found} submissions: {summary.graded} graded now, "
        f"{summary.skipped} unchanged since the last run ({summary.elapsed_s:.1f} s)"
    )
    click.echo(f"  {'status':<12} {'count':>5}")
    from grader.batch.gradebook import SUBMISSION_STATUSES

    for status in SUBMISSION_STATUSES:
        click.echo(f"  {status:<12} {summary.statuses.get(status, 0):>5}")
    for note in summary.notes:  # student ids and file names: nothing in them may act
        click.echo(f"note: {one_line(note)}")
    click.echo(f"isolation: {summary.isolation}")
    click.echo(f"gradebook: {out / 'gradebook.sqlite'}\nexports:   {out / 'exports'}")
    click.echo(f"report:    {out / 'report.html'}")


class _Interrupted(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP during a batch: unwind so every judge and zygote is stopped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`_Interrupted` while a batch runs, so the
    pool's ``with`` blocks stop every process the batch started (kill -9 is covered by the
    kernel: judges and zygotes die with their parent)."""
    wanted = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]

    def interrupt(signum: int, _frame: object) -> None:
        for number in wanted:  # a second signal during the clean-up must not cut it short
            signal.signal(number, signal.SIG_IGN)
        raise _Interrupted(signum)

    before = {number: signal.signal(number, interrupt) for number in wanted}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _requested_isolation(tier: str) -> Isolation:
    """What a Dask batch asks every worker for (each worker's report says what it got)."""
    from grader import sandbox

    gaps = () if tier == "full" else sandbox.REDUCED_GAPS
    return Isolation(tier, "on every Dask worker,", "probed there", not_contained=gaps)


def _batch_isolation(requested: str, required: str | None) -> Isolation:
    """The tier a batch runs at: full unless the instructor explicitly asked for reduced."""
    from grader import sandbox

    if required == "full" and requested != "full":
        raise Fatal("--require-isolation full contradicts --isolation reduced")
    try:
        return sandbox.probe(requested)
    except sandbox.IsolationError as exc:
        if sys.platform.startswith("linux"):
            raise Fatal(
                "grade batch contains student code with bubblewrap, which does not work here "
                "(install it: apt install bubblewrap), or pass --isolation reduced to grade "
                "uncontained"
            ) from exc
        raise Fatal(
            f"grade batch contains student code with bubblewrap, which needs Linux; on "
            f"{sys.platform} pass --isolation reduced to grade uncontained (see the README)"
        ) from exc


@cli.command("export")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="File, or folder for json, gradescope, feedback, prairielearn [default: FOLDER/exports].",
)
@click.option(
    "--assignment",
    default="tensorgrade",
    show_default=True,
    help="The assignment's title in the LMS.",
)
@click.option("--assignment-id", default="", help="Canvas's assignment id.")
@click.option(
    "--moodle-id",
    type=click.Choice(("email", "idnumber")),
    default="email",
    show_default=True,
    help="Moodle's identifier column.",
)
def export_grades(
    folder: Path, fmt: str, out: Path | None, assignment: str, assignment_id: str, moodle_id: str
) -> None:
    """Export a batch's grades for an LMS from FOLDER/gradebook.sqlite."""
    from grader.batch import exports
    from grader.batch.exports.options import ExportOptions
    from grader.batch.gradebook import Gradebook

    book_path = folder / "gradebook.sqlite"
    if not book_path.is_file():
        raise Fatal(f"{book_path} does not exist; run grade batch first")
    target = out or exports.default_path(folder / "exports", fmt)
    options = ExportOptions(assignment=assignment, assignment_id=assignment_id, moodle_id=moodle_id)
    try:
        with Gradebook(book_path) as book:
            warnings = exports.export(book, fmt, target, options)
    except OSError as exc:
        raise Fatal(f"cannot write {target}: {exc.strerror or exc}") from None
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {target}")


@cli.group("gradebook")
def gradebook_group() -> None:
    """Look into a batch's gradebook and correct it, one student at a time."""


def _open_gradebook(folder: Path):  # type: ignore[no-untyped-def]
    from grader.batch.gradebook import Gradebook

    book_path = folder / "gradebook.sqlite"
    if not book_path.is_file():
        raise Fatal(f"{book_path} does not exist; run grade batch first")
    return Gradebook(book_path)


@gradebook_group.command("list")
@click.argument("folder", type=click.Path(path_type=Path))
def gradebook_list(folder: Path) -> None:
    """Every student of FOLDER/gradebook.sqlite: status, points, late."""
    from grader.batch import manage

    with _open_gradebook(folder) as book:
        for line in manage.list_lines(book):
            click.echo(one_line(line))


@gradebook_group.command("show")
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("student")
def gradebook_show(folder: Path, student: str) -> None:
    """One student's submission and results, exercise by exercise."""
    from grader.batch import manage

    with _open_gradebook(folder) as book:
        try:
            lines = manage.show_lines(book, student)
        except manage.UnknownStudent as exc:
            raise Fatal(exc.args[0]) from None
    for line in lines:
        click.echo(one_line(line))


@gradebook_group.command("remove")
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("student")
def gradebook_remove(folder: Path, student: str) -> None:
    """Take STUDENT out of the gradebook, the exports and report.html."""
    from grader.batch import manage

    with _open_gradebook(folder) as book:
        try:
            lines = manage.remove(book, folder, student)
        except manage.UnknownStudent as exc:
            raise Fatal(exc.args[0]) from None
    for line in lines:
        click.echo(one_line(line))


from grader.cli_distribute import register as _register_distribute  # noqa: E402
from grader.cli_student import register as _register_student  # noqa: E402

_register_distribute(cli, Fatal)
_register_student(cli, Fatal)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: one-line errors, and no interpreter teardown after the report."""
    try:
        code = cli.main(args=argv, prog_name="grade", standalone_mode=False)
        code = code if isinstance(code, int) else EXIT_OK
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        code = EXIT_USAGE
    except click.ClickException as exc:
        if isinstance(exc, Fatal):
            exc.show()
        else:
            click.echo(f"grade: error: {exc.format_message()} (see grade --help)", err=True)
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("grade: interrupted", err=True)
        code = 130
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        click.echo("grade: interrupted", err=True)
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown (about 0.45 s after importing torch): everything is written.
    os._exit(code)


if __name__ == "__main__":
    main()
