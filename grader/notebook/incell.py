"""``check()`` in Jupyter: grade the functions this notebook defines, through the judge and a
worker, never in the student's kernel.

The notebook's executed cells (IPython's ``In``, in order, so the last definition of a name
wins as in the kernel) are extracted like a submitted notebook (:mod:`.extract`) and graded by
the judge, which runs here, in the kernel's process: the student's code runs only in forked
workers. The judge stays warm between checks: torch and the checks are imported once, and a
zygote (started on the first check and stopped when the kernel exits) forks each worker in
milliseconds, so only the first check pays for starting up.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.catalog import CATALOG, select
from grader.model import GradeReport

_WARM: dict[str, Any] = {}
"""The zygote and its folder, kept between checks."""


@dataclass(frozen=True)
class CheckReport:
    """What ``check()`` returns: shown as HTML in Jupyter, as the terminal report elsewhere."""

    report: GradeReport

    def _repr_html_(self) -> str:
        from grader.reporters.html import _STYLE, fragment

        return f"<div class='tensorgrade'><style>{_STYLE}</style>{fragment(self.report)}</div>"

    def __repr__(self) -> str:
        from grader.reporters.terminal import render

        out = io.StringIO()
        render(self.report, out)
        return out.getvalue()

    @property
    def score(self) -> float:
        """Points earned."""
        return self.report.score

    @property
    def max_score(self) -> float:
        """Points available over the checked exercises."""
        return self.report.max_score


def _cells() -> list[str]:
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None:
        raise RuntimeError(
            "check() grades the functions of a Jupyter notebook; in a terminal, run "
            "`grade run --submission your-notebook.ipynb`"
        )
    return [str(cell) for cell in shell.user_ns.get("In", [])[1:]]


def _launcher(isolation: Any) -> Any:
    """A warm zygote's spawn, started on first use; None where zygotes are not available."""
    from grader import zygote

    if not zygote.available():
        return None
    current = _WARM.get("zygote")
    if current is not None and current.alive():
        return current.spawn
    folder = Path(tempfile.mkdtemp(prefix="tensorgrade-check-"))
    spawner = zygote.Zygote(folder, isolation=isolation)
    _WARM["zygote"] = spawner
    atexit.register(stop)
    return spawner.spawn


def stop() -> None:
    """Stop the warm zygote (at kernel exit, or to start afresh)."""
    spawner = _WARM.pop("zygote", None)
    if spawner is not None:
        with contextlib.suppress(Exception):
            spawner.close()


def grade_cells(
    cells: list[str], ids: tuple[str, ...] = (), *, seed: int | None = None, timeout_s: float = 10
) -> GradeReport:
    """Grade the functions that ``cells`` define (the exercises named by ``ids``, else every
    exercise whose function they define)."""
    from grader import sandbox
    from grader.judge import grade
    from grader.notebook.extract import extract_cells
    from grader.rules import top_level_bindings

    extracted = extract_cells([(i, c, {}) for i, c in enumerate(cells, 1)], "this notebook")
    if ids:
        chosen = select(list(ids))
    else:
        defined = set(top_level_bindings(ast.parse(extracted.source)))
        chosen = tuple(e for e in CATALOG if set(e.all_functions) & defined)
        if not chosen:
            raise RuntimeError("this notebook defines none of the exercises' functions yet")
    folder = Path(tempfile.mkdtemp(prefix="tensorgrade-notebook-"))
    module = folder / "notebook.py"
    module.write_text(extracted.source, encoding="utf-8")
    isolation = sandbox.probe("reduced")
    launcher = _launcher(isolation)
    try:
        return grade(
            module,
            isolation=isolation,
            exercises=[e.id for e in chosen],
            seed=seed,
            timeout_s=timeout_s,
            launcher=launcher,
        )
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def check(*ids: str, seed: int | None = None, timeout_s: float = 10) -> CheckReport:
    """Grade exercises defined in this notebook: ``check("3.4")``, ``check("3")`` (a module),
    ``check()`` (every exercise whose function the notebook defines)."""
    return CheckReport(grade_cells(_cells(), tuple(ids), seed=seed, timeout_s=timeout_s))
