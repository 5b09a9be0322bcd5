"""The judge's pytest plugin: selects checks, seeds them, hands them the student, scores outcomes.

Registered explicitly by :func:`grader.judge.grade` (never through an entry point, so it is not
loaded into anyone else's pytest runs). Each check's outcome, points and message are attached as
pytest-json-report metadata, which is what the judge reads back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from grader import seeding
from grader.catalog import BY_ID, CATALOG, Exercise
from grader.forbidden import forbidden_exercises
from grader.outcomes import (
    GATED,
    CallTimedOut,
    CheckFailed,
    Forbidden,
    FunctionMissing,
    GraderFault,
    GradingError,
    ModuleMissing,
    NotAttempted,
    WrongValues,
)
from grader.runner import StudentRunner
from grader.student import Devices, StudentFunction
from grader.submission import ModuleSource, SourceRefused, Submission

METADATA_KEY = "tensorgrade"
GATED_KINDS = frozenset({"rules", "device", "mutation", "time", "view", "autograd"})
"""Check kinds whose points count only when the answer is also correct."""


@dataclass
class GradingContext:
    """What the plugin needs to grade one submission."""

    submission: Submission
    runner: StudentRunner
    seed: int
    devices: Devices
    exercises: tuple[Exercise, ...]
    sources: dict[str, ModuleSource | SourceRefused | None] = field(default_factory=dict)
    complete_checks: bool = True
    """Whether every check ships (hidden ones too), so points can be held to the catalog's."""
    withheld: dict[str, float] = field(default_factory=dict)
    """In a student release: exercise id → points of the hidden checks it leaves out."""
    ended_by_source: dict[str, Exception | None] = field(default_factory=dict)
    """Exercise id → what its source alone already decides (a missing function, an untouched
    stub), or None; read once per exercise, not once per check."""
    inconsistent: list[str] = field(default_factory=list)
    """What in the collected checks disagrees with the catalog (filled at collection)."""
    forbidden: dict[str, str] = field(default_factory=dict)
    """Exercise id → why the reflection rule refused its code (filled as modules are read)."""


def check_id(item: pytest.Item) -> str:
    """``"<exercise id>::<check function name>"``."""
    marker = item.get_closest_marker("exercise")
    exercise = marker.args[0] if marker else "?"
    return f"{exercise}::{item.name}"


def check_name(item: pytest.Item) -> str:
    """The check's docstring's first line, or its function name as words."""
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    if doc and doc.strip():
        return doc.strip().splitlines()[0].rstrip(".")
    return item.name.removeprefix("check_").replace("_", " ")


def _marker_arg(item: pytest.Item, name: str) -> str:
    marker = item.get_closest_marker(name)
    return str(marker.args[0]) if marker and marker.args else ""


def _outcome(excinfo: pytest.ExceptionInfo[BaseException] | None) -> tuple[str, str | None]:
    if excinfo is None:
        return "passed", None
    exc = excinfo.value
    if isinstance(exc, NotAttempted):
        return "not_attempted", str(exc)
    if isinstance(exc, ModuleMissing):
        return "missing", str(exc)
    if isinstance(exc, Forbidden):
        return "forbidden", str(exc)
    if isinstance(exc, CallTimedOut):
        return "timeout", str(exc)
    if isinstance(exc, GraderFault):
        return "grader_error", str(exc)
    if isinstance(exc, GradingError):
        return "error", str(exc)
    if isinstance(exc, CheckFailed):
        return "failed", str(exc)
    if excinfo.errisinstance(pytest.skip.Exception):
        return "skipped", str(getattr(exc, "msg", exc))
    return "error", f"the grader could not check the result ({type(exc).__name__}: {exc})"


def _ended_by_source(source: str, exercise: Exercise) -> Exception | None:
    """What every check of the exercise ends with, decided from its source before any call."""
    missing = function_missing(source, exercise)
    if missing:  # every check of the exercise says it, the same way: said once
        return FunctionMissing(missing)
    if untouched(source, exercise):
        # Only the stub's own body is "not attempted": any NotImplementedError a call raises
        # (torch raises some) is a failure.
        return NotAttempted(f"{exercise.name}() still raises NotImplementedError")
    return None


def function_missing(source: str, exercise: Exercise) -> str | None:
    """Why the module has no binding of the exercise's function, with the closest names it
    has; None when it has one, when the text does not parse or when it defines no function at
    all (the import then says what is wrong)."""
    import ast
    import difflib

    from grader import rules

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    if rules.find_bindings(tree, exercise.name):
        return None
    defined = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defined:  # not a misnamed function: let the import say what is wrong (it may fail)
        return None
    names = list(rules.top_level_bindings(tree))
    close = difflib.get_close_matches(exercise.name, names, n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(f'{n}()' for n in close)}?" if close else ""
    return f"{exercise.filename} has no function named {exercise.name}(){hint}"


def untouched(source: str, exercise: Exercise) -> bool:
    """Whether every function of the exercise is still its stub (a docstring and ``raise
    NotImplementedError``), read from the source."""
    import ast

    from grader import rules

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return all(rules.is_stub(tree, name) for name in exercise.all_functions)


class GraderPlugin:
    """Pytest hooks and fixtures for one grading run."""

    def __init__(self, context: GradingContext) -> None:
        self.context = context

    def pytest_configure(self, config: pytest.Config) -> None:
        for line in (
            "exercise(id): the exercise a check belongs to",
            "kind(name): what a check checks",
            "points(n): what a check is worth",
            "hidden: a check whose details are not shown to students",
        ):
            config.addinivalue_line("markers", line)

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        self._hold_points_to_the_catalog(items)
        wanted = {e.id for e in self.context.exercises}
        keep, drop = [], []
        for item in items:
            if item.path.parent.name == "hidden" and item.get_closest_marker("hidden") is None:
                # Visibility comes from the folder: a hidden module can't leak by forgetting a
                # marker.
                item.add_marker(pytest.mark.hidden)
            marker = item.get_closest_marker("exercise")
            (keep if marker and marker.args[0] in wanted else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        order = {e.id: i for i, e in enumerate(self.context.exercises)}
        # Hidden checks after every visible one: a function that records what it is called
        # with cannot replay a hidden input in a visible message (the worker keeps state
        # between calls), because every visible message is already written.
        # Device rounds late: the worker warms up `meta` (a one-off ~0.9 s) while values run.
        # Time budgets last: a budget blown into a timeout then costs no other check.
        rank = {"device": 1, "time": 2}
        keep.sort(
            key=lambda it: (
                it.get_closest_marker("hidden") is not None,
                rank.get(_marker_arg(it, "kind"), 0),
                order[_marker_arg(it, "exercise")],
            )
        )
        items[:] = keep

    def _hold_points_to_the_catalog(self, items: list[pytest.Item]) -> None:
        """Record every check for an exercise the catalog lacks, and every chosen exercise whose
        checks' points do not add up to its catalog points (with every check shipped)."""
        totals: dict[str, float] = {}
        for item in items:
            exercise = _marker_arg(item, "exercise")
            points = item.get_closest_marker("points")
            totals[exercise] = totals.get(exercise, 0.0) + float(points.args[0] if points else 0)
        for exercise in sorted(set(totals) - set(BY_ID)):
            self.context.inconsistent.append(f"checks for {exercise!r}, which the catalog lacks")
        if not self.context.complete_checks and not self.context.withheld:
            return  # (an install without hidden checks that does not say what it left out)
        for e in self.context.exercises:
            total = totals.get(e.id, 0.0) + self.context.withheld.get(e.id, 0.0)
            if abs(total - e.points) > 1e-9:
                self.context.inconsistent.append(
                    f"the checks of {e.id} add up to {total:g} points, "
                    f"the catalog says {e.points:g}"
                )

    @pytest.fixture
    def seed(self, request: pytest.FixtureRequest) -> int:
        """This check's seed: the run's base seed plus crc32 of the check id."""
        return seeding.check_seed(self.context.seed, check_id(request.node))

    @pytest.fixture
    def gen(self, seed: int) -> Any:
        """A torch.Generator seeded for this check (random, numpy and torch are reseeded too)."""
        return seeding.reseed_everything(seed)

    @pytest.fixture
    def devices(self) -> Devices:
        """The devices of this run."""
        return self.context.devices

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> StudentFunction:
        """The student's function for this check's exercise."""
        marker = request.node.get_closest_marker("exercise")
        exercise = BY_ID[marker.args[0]]
        # An exercise that already ended (not attempted, timed out, crashed) answers at once:
        # building this check's inputs and expected values would be wasted work.
        ended = self.context.runner.broken(exercise.id)
        if ended is not None:
            raise ended
        file = self.context.submission.file_for(exercise)
        if exercise.module not in self.context.sources:
            try:
                read = self.context.submission.source(exercise)
            except SourceRefused as exc:
                read = exc
            self.context.sources[exercise.module] = read
            if isinstance(read, ModuleSource) and file is not None:
                # The worker will run only these bytes: the ones the rules are checked on.
                self.context.runner.expect_source(file, read.sha256)
                siblings = [e for e in CATALOG if e.module == exercise.module]
                self.context.forbidden.update(
                    forbidden_exercises(read.text, siblings, exercise.filename)
                )
        read = self.context.sources[exercise.module]
        if isinstance(read, SourceRefused):
            raise GradingError(str(read))
        if exercise.id in self.context.forbidden:
            # Never called: its code (or its module's top level) reaches into internals.
            raise Forbidden(self.context.forbidden[exercise.id])
        if read is not None:
            if exercise.id not in self.context.ended_by_source:  # read once per exercise
                self.context.ended_by_source[exercise.id] = _ended_by_source(read.text, exercise)
            ended_early = self.context.ended_by_source[exercise.id]
            if ended_early is not None:
                raise ended_early
        return StudentFunction(
            exercise=exercise,
            function=exercise.name,
            file=file,
            runner=self.context.runner,
            source_text=None if read is None else read.text,
        )

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        item.stash[_OUTPUT] = self.context.runner.output_mark()

    def _printed(self, item: pytest.Item) -> str:
        """What the student's function printed during this check, for a failed visible check."""
        if item.get_closest_marker("hidden") is not None or _OUTPUT not in item.stash:
            return ""
        return self.context.runner.printed_since(item.stash[_OUTPUT])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport:
        """A plain report: our outcome and message, no formatted traceback.

        pytest's own report renders a traceback for every failure (about 0.7 ms each, even with
        ``--tb=no``); the judge only reads the outcome and the message kept in the stash.
        """
        excinfo = call.excinfo
        if excinfo is None:
            outcome, longrepr = "passed", None
        elif excinfo.errisinstance(pytest.skip.Exception):
            path, line, _ = item.location
            outcome, longrepr = "skipped", (path, (line or 0) + 1, str(excinfo.value))
        else:
            outcome, longrepr = "failed", f"{excinfo.typename}: {excinfo.value}"
        if call.when == "call" or (call.when == "setup" and outcome != "passed"):
            result, message = _outcome(excinfo)
            gated = _marker_arg(item, "kind") in GATED_KINDS
            if gated and excinfo is not None and excinfo.errisinstance(WrongValues):
                # Its points need a correct answer, and the answer is not: say that, rather
                # than a bare value error under a title about rules, devices or mutation.
                message = message if (message or "").startswith(GATED) else f"{GATED}{message}"
            if result == "failed" and (printed := self._printed(item)):
                # Never for hidden checks: what a function prints can show their inputs.
                message = f"{message}\nYour function printed (last lines):\n{printed}"
            item.stash[_RESULT] = (result, message)
        return pytest.TestReport(
            item.nodeid,
            item.location,
            {},
            outcome,
            longrepr,
            call.when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )

    def pytest_json_runtest_metadata(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> dict[str, Any] | None:
        if call.when == "teardown" or _RESULT not in item.stash:
            return None
        outcome, message = item.stash[_RESULT]
        points = item.get_closest_marker("points")
        kind = item.get_closest_marker("kind")
        exercise = item.get_closest_marker("exercise")
        return {
            METADATA_KEY: {
                "id": check_id(item),
                "name": check_name(item),
                "exercise": exercise.args[0] if exercise else "?",
                "kind": kind.args[0] if kind else "values",
                "max_points": float(points.args[0]) if points else 0.0,
                "visibility": "hidden" if item.get_closest_marker("hidden") else "visible",
                "outcome": outcome,
                "message": message,
            }
        }


_RESULT = pytest.StashKey[tuple[str, "str | None"]]()
_OUTPUT = pytest.StashKey[tuple[int, int]]()
