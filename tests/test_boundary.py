"""The trust boundary is a folder: what runs inside the sandbox (``grader/inside/``) imports
nothing of the judge's side, so no check, expected value or score can reach student code."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.conftest import ROOT

INSIDE = ROOT / "grader" / "inside"


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            if node.module == "grader":  # from grader import X: X is a module of the package
                found |= {f"grader.{alias.name}" for alias in node.names}
    return found


def test_the_worker_side_imports_nothing_of_the_judge_side():
    strays = []
    for path in sorted(INSIDE.glob("*.py")):
        for module in _imports(path):
            judge_side = module.startswith("grader.") and not module.startswith("grader.inside")
            if judge_side:
                strays.append(f"{path.name} imports {module}")
    assert not strays, strays


def test_the_worker_side_needs_only_the_standard_library_and_its_third_party_packages():
    allowed = {"torch", "numpy", "safetensors", "resource", "grader"}
    for path in sorted(INSIDE.glob("*.py")):
        for module in _imports(path):
            top = module.split(".")[0]
            assert top in allowed or top in sys.stdlib_module_names, (path.name, module)


def test_the_boundary_test_can_fail(tmp_path):
    leaky = tmp_path / "leaky.py"
    leaky.write_text("def f():\n    from grader.checks import expect\n    from grader import judge")
    assert {"grader.checks", "grader.judge"} <= _imports(leaky)  # both on the judge side
