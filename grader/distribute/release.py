"""``grade release OUT``: the student bundle, and nothing a student must not see.

The bundle holds the stubs, the visible checks, the grader (without ``checks/hidden/``, the
instructor tools and the validation that needs mutants), a student README, a ``pyproject.toml``
that installs it, and a CI workflow. ``grader/checks/withheld.json`` tells the bundle's judge how
many hidden checks and points each exercise has, so it can say what it does not grade.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.catalog import CATALOG
from grader.distribute import filled

GRADER = Path(grader.__file__).resolve().parent
WITHHELD = "withheld.json"
LEFT_OUT = ("checks/hidden", "distribute", "validate.py")
"""Parts of the grader package a student release does not ship (relative to ``grader/``)."""


class ReleaseError(Exception):
    """The release cannot be made (one line for the user)."""


@dataclass(frozen=True)
class Release:
    """What ``grade release`` wrote."""

    folder: Path
    files: int
    withheld_checks: int
    withheld_points: float
    wheel: Path | None


def hidden_checks(checks_dir: Path) -> dict[str, dict[str, float]]:
    """Per exercise, the number and points of its hidden checks (read from their decorators)."""
    import ast

    found: dict[str, dict[str, float]] = {}
    for path in sorted((checks_dir / "hidden").glob("m*.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for mark in node.decorator_list:
                if isinstance(mark, ast.Call) and getattr(mark.func, "id", "") == "check":
                    exercise = ast.literal_eval(mark.args[0])
                    points = next(
                        ast.literal_eval(k.value) for k in mark.keywords if k.arg == "points"
                    )
                    entry = found.setdefault(exercise, {"checks": 0, "points": 0.0})
                    entry["checks"] += 1
                    entry["points"] = round(entry["points"] + float(points), 6)
    return found


def build_release(out: Path, *, stubs: Path, wheel: bool = False) -> Release:
    """Write the student bundle into ``out`` (which must not exist or be empty)."""
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty; name a new folder for the release")
    modules = sorted(stubs.glob("m*.py"))
    if not modules:
        raise ReleaseError(f"{stubs} holds no exercise stubs (m*.py)")
    out.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(GRADER, out / "grader", ignore=ignore)
    for part in LEFT_OUT:
        target = out / "grader" / part
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    withheld = hidden_checks(GRADER / "checks")
    (out / "grader" / "checks" / WITHHELD).write_text(json.dumps(withheld, indent=2) + "\n")
    for folder in (out / "exercises", out / "grader" / "stubs"):
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        for module in modules:
            shutil.copy(module, folder / module.name)
    total = sum(e.points for e in CATALOG)
    hidden_count = int(sum(w["checks"] for w in withheld.values()))
    hidden_points = round(sum(w["points"] for w in withheld.values()), 6)
    fill = {
        "version": grader.__version__,
        "total": f"{total:g}",
        "visible": f"{round(total - hidden_points, 6):g}",
        "hidden_checks": str(hidden_count),
    }
    for template, target in (
        ("student-README.md", "README.md"),
        ("student-pyproject.toml", "pyproject.toml"),
        ("grade-workflow.yml", ".github/workflows/grade.yml"),
    ):
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        (out / target).write_text(filled(template, fill))
    built = _build_wheel(out) if wheel else None
    return Release(
        folder=out,
        files=sum(1 for p in out.rglob("*") if p.is_file()),
        withheld_checks=hidden_count,
        withheld_points=hidden_points,
        wheel=built,
    )


def _build_wheel(out: Path) -> Path:
    """``python -m build --wheel`` in the bundle; the wheel lands in ``out/dist``."""
    try:
        import build  # noqa: F401  (only to say what to install when it is missing)
    except ImportError:
        raise ReleaseError("--wheel needs the 'build' package: pip install build") from None
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", "dist", "."],
        cwd=out, capture_output=True, text=True,
    )  # fmt: skip
    wheels = sorted((out / "dist").glob("*.whl"))
    if done.returncode != 0 or not wheels:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ReleaseError(f"building the wheel failed: {last[0]}")
    shutil.rmtree(out / "build", ignore_errors=True)
    for info in out.glob("*.egg-info"):
        shutil.rmtree(info)
    return wheels[0]
