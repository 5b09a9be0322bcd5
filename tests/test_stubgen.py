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
