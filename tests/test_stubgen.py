"""One source: the stubs are generated from the solutions and leak none of their lines."""

from __future__ import annotations

import pytest

from grader.stubgen import RegionError, generate, solution_lines, strip_solutions
from tests.conftest import SOLUTIONS, STUBS


def test_committed_stubs_match_a_fresh_generation(tmp_path):
    generate(SOLUTIONS, tmp_path)
    for fresh in sorted(tmp_path.glob("*.py")):
        committed = STUBS / fresh.name
        assert committed.exists(), (
            f"exercises/{fresh.name} is missing: run scripts/make_exercises.py"
        )
        assert committed.read_text() == fresh.read_text(), (
            f"exercises/{fresh.name} is out of date: run scripts/make_exercises.py"
        )


def test_no_solution_line_survives_in_a_stub():
    for solution in SOLUTIONS.glob("m*.py"):
        stub_lines = {line.strip() for line in (STUBS / solution.name).read_text().splitlines()}
        leaked = [line for line in solution_lines(solution.read_text()) if line in stub_lines]
        assert not leaked, f"{solution.name}: {leaked}"


def test_every_solution_function_becomes_a_stub():
    text = strip_solutions(
        "def f():\n    '''Doc.'''\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n"
    )
    assert "raise NotImplementedError" in text and "return 1" not in text and "Doc." in text


@pytest.mark.parametrize(
    "source",
    [
        "# BEGIN SOLUTION\n# BEGIN SOLUTION\n",
        "# END SOLUTION\n",
        "# BEGIN SOLUTION\nx = 1\n",
    ],
)
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(RegionError):
        strip_solutions(source)


def test_every_name_a_docstring_example_uses_is_defined_in_its_stub():
    """A student's natural first attempt copies the example: torch.result_type must work in a
    stub that was never edited (m03 and m04 used to lack ``import torch``)."""
    import ast
    import builtins
    import doctest
    import importlib.util

    parser = doctest.DocTestParser()
    for path in sorted(STUBS.glob("m*.py")):
        spec = importlib.util.spec_from_file_location(f"_stub_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        names = set(vars(module)) | set(vars(builtins))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            bound: set[str] = set()  # (an example may use what an earlier one defined)
            for example in parser.get_examples(ast.get_docstring(node) or ""):
                for inner in ast.walk(ast.parse(example.source)):
                    if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                        bound.add(inner.id)
                    elif isinstance(inner, ast.arg):  # a lambda's parameters
                        bound.add(inner.arg)
                for inner in ast.walk(ast.parse(example.source)):
                    if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                        assert inner.id in names | bound, (path.name, node.name, inner.id)
