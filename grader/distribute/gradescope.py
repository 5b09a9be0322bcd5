"""``grade gradescope-autograder OUT.zip``: an autograder zip in Gradescope's layout.

At the zip's root: ``setup.sh`` (run once when Gradescope builds the image), ``run_autograder``
(run per submission), and the whole grader with every check, hidden ones included. Gradescope
unpacks it into ``/autograder/source``; ``run_autograder`` grades ``/autograder/submission`` and
writes ``/autograder/results/results.json`` (see :mod:`grader.distribute.autograder`).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import grader
from grader.distribute import filled
from grader.judge import hidden_checks_included

GRADER = Path(grader.__file__).resolve().parent
ISOLATIONS = ("auto", "full", "reduced")


class AutograderError(Exception):
    """The autograder cannot be made (one line for the user)."""


def build_autograder(
    out: Path, *, timeout_s: float = 10.0, seed: int = 0, isolation: str = "auto"
) -> int:
    """Write the autograder zip to ``out``; returns how many files it holds."""
    if not hidden_checks_included(GRADER / "checks"):
        raise AutograderError(
            "this install has no hidden checks (a student release?): build the autograder "
            "from the instructor's checkout"
        )
    if isolation not in ISOLATIONS:
        raise AutograderError(f"unknown isolation {isolation!r}; choose {', '.join(ISOLATIONS)}")
    settings = {
        "timeout": f"{timeout_s:g}",
        "seed": str(int(seed)),
        "isolation": isolation,
        "version": grader.__version__,
    }
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for template, name in (
            ("gradescope-setup.sh", "setup.sh"),
            ("gradescope-run_autograder", "run_autograder"),
            ("gradescope-pyproject.toml", "pyproject.toml"),
        ):
            text = filled(template, settings)
            info = zipfile.ZipInfo(name)
            mode = 0o644 if name.endswith(".toml") else 0o755  # the two scripts are executable
            info.external_attr = (stat.S_IFREG | mode) << 16
            archive.writestr(info, text)
            count += 1
        for path in sorted(GRADER.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, Path("grader") / path.relative_to(GRADER))
                count += 1
    return count
