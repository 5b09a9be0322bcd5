"""``grade notebook`` and ``grade watch``: the student where they work (Jupyter, an editor).

Registered on the ``grade`` group by :mod:`grader.cli`.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import click

from grader.terminal_text import one_line


def register(group: click.Group, fatal: Callable[[str], click.ClickException]) -> None:
    """Add the commands to ``group``; ``fatal`` makes the one-line error a command exits with."""

    @group.command("notebook")
    @click.option(
        "--module",
        "modules",
        multiple=True,
        type=click.IntRange(1, 99),
        help="A module number (repeat for several); all modules when left out.",
    )
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
    @click.option("--force", is_flag=True, help="Replace OUT if it exists.")
    def notebook(modules: tuple[int, ...], out: Path, force: bool) -> None:
        """Write the student notebook: each module's introduction, contracts and stubs."""
        from grader.catalog import MODULES
        from grader.cli_distribute import stub_folder

        if out.suffix != ".ipynb":
            raise fatal(f"{out} must end in .ipynb")
        if out.exists() and not force:  # it may hold a student's work
            raise fatal(f"{out} exists; nothing was written (pass --force to replace it)")
        known = {int(m[1:3]) for m in MODULES}
        unknown = sorted(set(modules) - known)
        if unknown:
            raise fatal(f"no module {unknown[0]}; the modules are {min(known)} to {max(known)}")
        stubs = stub_folder()
        if stubs is None:
            raise fatal("this install has no exercise stubs; reinstall the course's release")
        from grader.notebook.build import build_notebook, write_notebook

        try:
            write_notebook(build_notebook(stubs, [str(m) for m in modules]), out)
        except OSError as exc:
            raise fatal(f"cannot write {out}: {exc.strerror or exc}") from None
        click.echo(f"wrote {out}: open it in Jupyter, VS Code or Colab")

    @group.command("watch")
    @click.argument("ids", nargs=-1)
    @click.option(
        "--submission",
        type=click.Path(path_type=Path),
        default="exercises",
        show_default=True,
        help="A folder of exercise modules, a single module file, or a notebook (.ipynb).",
    )
    @click.option("--seed", type=click.IntRange(min=0), default=None, help="Base seed.")
    @click.option(
        "--device", type=click.Choice(["auto", "cpu", "meta", "cuda"]), default="auto"
    )
    @click.option(
        "--timeout", "timeout_s", type=click.FloatRange(min=0, min_open=True), default=10.0
    )
    @click.option(
        "--isolation", type=click.Choice(("auto", "full", "reduced")), default="reduced"
    )
    @click.option("--json-lines", is_flag=True, help="Print each report as one JSON line.")
    @click.option("--interval", type=click.FloatRange(0.05, 5), default=0.25, hidden=True)
    def watch(
        ids: tuple[str, ...],
        submission: Path,
        seed: int | None,
        device: str,
        timeout_s: float,
        isolation: str,
        json_lines: bool,
        interval: float,
    ) -> None:
        """Grade, then grade again each exercise whose code changes when you save (Ctrl-C ends)."""
        from grader import sandbox, seeding
        from grader.catalog import select
        from grader.submission import SubmissionError, find_submission

        try:
            chosen = select(list(ids))
            find_submission(submission)
            contained = sandbox.probe(isolation)
        except KeyError as exc:
            raise fatal(exc.args[0]) from None
        except (SubmissionError, sandbox.IsolationError) as exc:
            raise fatal(str(exc)) from None
        from grader.judge import ChecksBroken, UsageError
        from grader.reporters.jsonfile import to_dict
        from grader.reporters.terminal import render
        from grader.watch import Watcher, WatchOptions

        options = WatchOptions(
            exercises=chosen,
            seed=seeding.new_base_seed() if seed is None else seed,
            device=device,
            timeout_s=timeout_s,
            isolation=contained,
        )
        stream = click.get_text_stream("stdout")
        stopping: list[int] = []

        def stop(signum: int, _frame: object) -> None:
            # Ctrl-C (or SIGTERM) ends the watch between regrades: a grading in progress is
            # not torn in half, and the zygote and its workers are stopped on the way out.
            stopping.append(signum)

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            with Watcher(submission, options) as watcher:
                if not json_lines:
                    click.echo(f"watching {one_line(str(submission))} (Ctrl-C to stop)", err=True)
                for exercises in watcher.changes(interval_s=interval, stop=lambda: bool(stopping)):
                    try:
                        report = watcher.grade(exercises)
                    except (SubmissionError, UsageError, ChecksBroken) as exc:
                        click.echo(f"grade: error: {one_line(str(exc))}", err=True)
                        continue
                    if json_lines:
                        stream.write(json.dumps(to_dict(report)) + "\n")
                    else:
                        render(report, stream)
                        click.echo(f"\nwatching {one_line(str(submission))} (Ctrl-C to stop)")
                    stream.flush()
                    if stopping:
                        break
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        click.echo("stopped watching", err=True)
