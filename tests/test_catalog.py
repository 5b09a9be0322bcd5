"""Every exercise has a stub, a solution, checks and a catalog entry, with matching signatures."""

from __future__ import annotations

import ast
import re

from grader import catalog
from grader.judge import CHECKS_DIR
from tests.conftest import SOLUTIONS, STUBS


def _signature(path, name):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.dump(node.args)
    return None


def test_ids_points_and_modules_are_consistent():
    """Derived, not pinned: an instructor who adds an exercise changes nothing here."""
    ids = [e.id for e in catalog.CATALOG]
    assert len(ids) == len(set(ids))
    for e in catalog.CATALOG:
        module, number = e.id.split(".")
        assert e.module.startswith(f"m{int(module):02d}_"), e.id
        assert number.isdigit() and e.points > 0 and e.stars in (1, 2, 3), e.id
    # ids run in order, each module's numbers 1, 2, 3, ... with no gap
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("."))))
    for module in {e.module for e in catalog.CATALOG}:
        numbers = [int(e.id.split(".")[1]) for e in catalog.CATALOG if e.module == module]
        assert numbers == list(range(1, len(numbers) + 1)), module


def test_the_shipped_course_is_the_curriculum():
    """The course as shipped (../shared/CURRICULUM.md): 8 modules, 30 exercises, 100 points.
    Skipped in a copy that adds exercises (the authoring walk-through)."""
    import pytest

    if len(catalog.CATALOG) != 30:
        pytest.skip("a course with exercises added")
    assert sum(e.points for e in catalog.CATALOG) == 100
    assert len({e.module for e in catalog.CATALOG}) == 8


def test_the_readme_curriculum_table_is_fresh():
    from grader.curriculum import with_table
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    assert with_table(readme, SOLUTIONS) == readme, "README.md: run scripts/make_exercises.py"


def test_every_seed_concept_maps_to_exercises():
    assert len(catalog.SEED_CONCEPTS) == 12
    for concept, ids in catalog.SEED_CONCEPTS.items():
        assert ids, concept
        assert all(i in catalog.BY_ID for i in ids), concept


def test_every_exercise_has_stub_solution_and_checks_with_one_signature():
    for e in catalog.CATALOG:
        solution, stub = SOLUTIONS / e.filename, STUBS / e.filename
        assert solution.exists() and stub.exists(), e.id
        for function in e.all_functions:
            assert _signature(solution, function) is not None, (e.id, function)
            assert _signature(solution, function) == _signature(stub, function), (e.id, function)
        assert (CHECKS_DIR / e.filename).exists(), e.id
        checks = (CHECKS_DIR / e.filename).read_text() + (
            CHECKS_DIR / "hidden" / e.filename
        ).read_text()
        assert f'check("{e.id}"' in checks, e.id


def test_select_rejects_unknown_ids():
    import pytest

    with pytest.raises(KeyError):
        catalog.select(["0.0"])
    assert [e.id for e in catalog.select(["3.4", "1.1"])] == ["1.1", "3.4"]


def _timed_exercises() -> set[str]:
    """Exercise ids with a ``@check(id, kind="time")``, read from the check files' text."""
    return {exercise for exercise, kinds in _kinds_by_exercise().items() if "time" in kinds}


def test_every_time_budget_is_stated_in_its_contract():
    """An exercise with a time check says its input size and allowed factor in its docstring."""
    timed = _timed_exercises()
    assert timed  # the course has timed exercises; which ones is the checks' business
    for exercise in catalog.CATALOG:
        tree = ast.parse((STUBS / exercise.filename).read_text())
        doc = next(
            ast.get_docstring(n) or ""
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name == exercise.name
        )
        stated = "Time budget:" in doc and "100x" in doc and "CPU time" in doc
        assert stated == (exercise.id in timed), exercise.id


ANNOUNCED = {
    # check kind: words the contract uses to announce it (any of them)
    "time": ("Time budget:",),
    "device": ("Device",),
    "mutation": ("unchanged", "in place", "Mutation"),
    "rules": ("Not allowed",),
    "exception": ("Raises:",),
}


def _kinds_by_exercise() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [*CHECKS_DIR.glob("m*.py"), *(CHECKS_DIR / "hidden").glob("m*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check":
                kinds = [k.value.value for k in node.keywords if k.arg == "kind"]  # type: ignore[attr-defined]
                found.setdefault(node.args[0].value, set()).update(kinds)  # type: ignore[attr-defined]
    return found


def test_every_contract_announces_what_its_checks_enforce():
    """A check kind an exercise has (time, device, mutation, rules, exception) is announced in
    its docstring: a student who reads the contract knows everything that is checked."""
    kinds = _kinds_by_exercise()
    silent = []
    for exercise in catalog.CATALOG:
        tree = ast.parse((STUBS / exercise.filename).read_text())
        doc = "\n".join(
            ast.get_docstring(n) or ""
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name in exercise.all_functions
        )
        for kind in sorted(kinds.get(exercise.id, set()) & set(ANNOUNCED)):
            if not any(word in doc for word in ANNOUNCED[kind]):
                silent.append(f"{exercise.id} {kind}")
    assert not silent, silent


DEVICE_PROMISE = re.compile(r"(result is|results|ends up) on ``")


def _uses_device_round() -> set[str]:
    """Exercise ids with a check that runs the device round."""
    found = set()
    for path in [*CHECKS_DIR.glob("m*.py"), *(CHECKS_DIR / "hidden").glob("m*.py")]:
        text = path.read_text()
        for node in ast.parse(text).body:
            if not (isinstance(node, ast.FunctionDef) and "device_round" in ast.unparse(node)):
                continue
            for mark in node.decorator_list:
                if isinstance(mark, ast.Call) and getattr(mark.func, "id", "") == "check":
                    found.add(mark.args[0].value)  # type: ignore[attr-defined]
    return found


def test_every_device_promise_is_checked():
    """A contract that says where its result lives has a check that runs the device round (7.2
    used to promise "on x's device" with nothing checking it)."""
    checked = _uses_device_round()
    unchecked = []
    for exercise in catalog.CATALOG:
        if DEVICE_PROMISE.search(_contract(exercise)) and exercise.id not in checked:
            unchecked.append(exercise.id)
    assert not unchecked, unchecked


def _contract(exercise) -> str:
    tree = ast.parse((STUBS / exercise.filename).read_text())
    return "\n".join(
        ast.get_docstring(n) or ""
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and n.name in exercise.all_functions
    )


def test_check_modules_take_the_grader_only_through_the_check_api():
    """grader.checks.api is the one import a check author needs: the check modules import
    nothing else of the grader (their oracles and sibling check modules aside)."""
    from grader.checks import api

    allowed = {"grader.checks.api", "grader.checks.oracles", "grader.checks.hidden.oracles"}
    strays = []
    for path in [*CHECKS_DIR.glob("m*.py"), *(CHECKS_DIR / "hidden").glob("m*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader"):
                sibling = (node.module or "").startswith("grader.checks.m")
                if node.module not in allowed and not sibling:
                    strays.append(f"{path.name}: from {node.module} import ...")
    assert not strays, strays
    assert all(hasattr(api, name) for name in api.__all__)


def test_every_check_in_the_hidden_folder_is_hidden(solutions_report):
    hidden_ids = set()
    for path in (CHECKS_DIR / "hidden").glob("m*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("check_"):
                hidden_ids.add(node.name)
    for check in solutions_report.checks:
        name = check.id.split("::")[1]
        assert (check.visibility == "hidden") == (name in hidden_ids), check.id
