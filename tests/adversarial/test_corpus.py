"""The adversarial corpus through the door instructors use: one ``grade batch`` per tier over the
whole class of attacks, with control students graded by the same judges after them.

Each case in cases/ is a submission module (appended to the reference solutions' module it
names) with the attack it tries in its docstring and its required outcome in constants:
``ATTACKED`` (exercises that must score 0), ``FORGES_SCORE`` (the reduced tier must also hold;
otherwise the case is about containment, which only the full tier promises),
``LEAVES_PROCESSES`` / ``MARKER`` / ``NEEDS_LISTENER`` (what escape to look for), ``EXTRA_FILES``,
``REPLACES_MODULE`` (the case is the whole module, not appended to the solutions), ``REFUSED``
(what the reflection rule must refuse before it runs: ``"module"`` for every graded exercise of
the case's module, or a tuple of exercise ids), ``LOSES`` (checks, by id, that must not pass
although the exercise keeps its other points).
Placeholders ``PORT`` and ``GRADEBOOK_PATH`` are filled in with the test's listener and the
batch's gradebook.

Required of every case that runs at a tier: attacked exercises score 0, refused exercises (and
only those, of the case's module) are recorded ``forbidden`` and the submission ``flagged``, the
checks a case loses do not pass, the case's own exercise (when not attacked, refused or losing a
check) and a control exercise of another module keep full marks. Required of the
batch: every control student, graded after the attacks by the same judges (ids that slug alike,
one called ``index``), keeps full marks with export files of their own; every stored report
says the tier asked for; the gradebook's rows do not change after the command returns; nothing
any submission started is still running. At the full tier also: no marker file on the host and
no connection to the host's loopback.
"""

from __future__ import annotations

import ast
import json
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader import sandbox
from grader.batch.intake import slug
from grader.catalog import BY_ID
from tests.conftest import ROOT, literal_constants, make_submission

pytestmark = pytest.mark.slow
CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))
CALL_TIMEOUT_S = 3.0
FULL = sandbox.probe("auto").tier == "full"
EXERCISE_OF_MODULE = {
    "m01_creation": "1.1",
    "m02_views": "2.3",
    "m03_broadcasting": "3.3",
    "m06_dtypes_memory": "6.1",
    "m08_devices_perf": "8.2",
}
CONTROLS = ("zz-control", "zz-index", "zz-a b", "zz-a_b", "zz-A_B")
"""Control students, sorted after every attack (intake order), plain reference solutions. The
last three slug alike; "index" (after its prefix is dropped below) is a name the exports use."""
MARKERS = ("/tmp/tg-adv-daemon-marker", "/tmp/tg-adv-chain-marker", "/tmp/tg-adv-big")


@dataclass(frozen=True)
class Case:
    path: Path
    module: str
    attacked: tuple[str, ...]
    forges_score: bool
    leaves_processes: bool = False
    marker: str | None = None
    needs_listener: bool = False
    extra_files: dict[str, str] = field(default_factory=dict)
    replaces_module: bool = False
    refused: str | tuple[str, ...] = ()
    loses: tuple[str, ...] = ()

    @property
    def own(self) -> str:
        return EXERCISE_OF_MODULE[self.module]

    def refuses(self, exercise: str) -> bool:
        """Whether the reflection rule must refuse this exercise of the case's module."""
        if BY_ID[exercise].module != self.module:
            return False
        return self.refused == "module" or exercise in self.refused

    @property
    def control(self) -> str:
        return "3.1" if self.module == "m01_creation" else "1.2"

    @property
    def student(self) -> str:
        return f"attack-{self.path.stem}"


def load(path: Path) -> Case:
    values = literal_constants(path)
    return Case(
        path=path,
        module=values["MODULE"],
        attacked=tuple(values["ATTACKED"]),
        forges_score=bool(values["FORGES_SCORE"]),
        leaves_processes=bool(values.get("LEAVES_PROCESSES")),
        marker=values.get("MARKER"),
        needs_listener=bool(values.get("NEEDS_LISTENER")),
        extra_files=dict(values.get("EXTRA_FILES", {})),
        replaces_module=bool(values.get("REPLACES_MODULE")),
        refused=values.get("REFUSED", ()),
        loses=tuple(values.get("LOSES", ())),
    )


def test_the_corpus_covers_at_least_40_attacks():
    assert len(CASES) >= 40
    for path in CASES:
        case = load(path)
        assert ast.get_docstring(ast.parse(path.read_text())), path.name
        assert all(e in BY_ID for e in case.attacked), path.name


class Listener:
    """A TCP listener on the host's loopback that records whether anyone connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


def tg_adv_processes() -> list[int]:
    """Processes the cases named "tg-adv" (their daemons and forked children)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() == "tg-adv":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def host_markers() -> list[str]:
    """Marker files an escape would leave on the host."""
    site = Path(sandbox.__file__).resolve().parents[1]  # the course checkout, never mounted
    import torch

    python = Path(torch.__file__).resolve().parents[1]  # site-packages, mounted read-only
    candidates = [*MARKERS, "/usr/tg-adv-remount-marker", "/tg-adv-remount-marker"]
    candidates += [str(python / "tg-adv-remount-marker"), str(site / "tg-adv-socket-marker")]
    return [c for c in candidates if Path(c).exists()]


@dataclass(frozen=True)
class BatchRun:
    tier: str
    cases: tuple[Case, ...]
    scores: dict[str, dict[str, tuple[float, float]]]
    exercise_statuses: dict[str, dict[str, str]]
    check_outcomes: dict[str, dict[str, str]]
    tiers: dict[str, str]
    statuses: dict[str, str]
    rows_after_return: list[tuple]
    rows_later: list[tuple]
    connections: int
    leftovers: list[int]
    markers: list[str]
    out: Path
    output: str


def _rows(book: Path) -> list[tuple]:
    with sqlite3.connect(book) as db:
        return db.execute(
            "SELECT s.student, s.score, s.status, e.exercise_id, e.score FROM submissions s"
            " JOIN exercises e ON e.student = s.student ORDER BY 1, 4"
        ).fetchall()


def _clean_host() -> None:
    for marker in host_markers():
        Path(marker).unlink(missing_ok=True)


@pytest.fixture(scope="module", params=["full", "reduced"])
def batch(request, tmp_path_factory) -> BatchRun:
    tier = request.param
    if tier == "full" and not FULL:
        pytest.skip("full isolation needs bubblewrap with user namespaces; not available here")
    cases = tuple(c for c in map(load, CASES) if tier == "full" or c.forges_score)
    root = tmp_path_factory.mktemp(f"corpus-{tier}")
    submissions, out = root / "submissions", root / "out"
    book = out / "gradebook.sqlite"
    _clean_host()
    listener = Listener()
    try:
        for case in cases:
            source = case.path.read_text().replace("PORT", str(listener.port))
            source = source.replace("GRADEBOOK_PATH", str(book))
            where = "replace" if case.replaces_module else "append"
            make_submission(
                submissions / case.student, **{where: {case.module: source}},
                extra=case.extra_files,
            )  # fmt: skip
        for name in CONTROLS:
            make_submission(submissions / name.replace("zz-index", "index"))
        exercises = sorted(
            {e for c in cases for e in (*c.attacked, c.control, c.own)} | {"1.1", "3.3"}
        )
        only = [a for e in exercises for a in ("--only", e)]
        flags = ["--require-isolation", "full"] if tier == "full" else []
        result = subprocess.run(
            [sys.executable, "-m", "grader", "batch", str(submissions), "--out", str(out),
             "--jobs", "2", "--timeout", str(CALL_TIMEOUT_S), "--isolation", tier, *flags, *only],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr + result.stdout
        rows_after_return = _rows(book)
        time.sleep(2.0)  # a daemon that outlived the batch would strike now
        rows_later = _rows(book)
        connections = listener.connections
    finally:
        listener.close()
    leftovers = tg_adv_processes()
    markers = host_markers()
    _clean_host()
    with sqlite3.connect(book) as db:
        db.row_factory = sqlite3.Row
        submitted = db.execute("SELECT student, status, tier FROM submissions").fetchall()
        scores: dict[str, dict[str, tuple[float, float]]] = {}
        exercise_statuses: dict[str, dict[str, str]] = {}
        for row in db.execute(
            "SELECT student, exercise_id, score, max_score, status FROM exercises"
        ):
            scores.setdefault(row["student"], {})[row["exercise_id"]] = (
                row["score"], row["max_score"]
            )  # fmt: skip
            exercise_statuses.setdefault(row["student"], {})[row["exercise_id"]] = row["status"]
        check_outcomes: dict[str, dict[str, str]] = {}
        for row in db.execute("SELECT student, check_id, outcome FROM checks"):
            check_outcomes.setdefault(row["student"], {})[row["check_id"]] = row["outcome"]
    return BatchRun(
        tier=tier,
        cases=cases,
        scores=scores,
        exercise_statuses=exercise_statuses,
        check_outcomes=check_outcomes,
        tiers={r["student"]: r["tier"] for r in submitted},
        statuses={r["student"]: r["status"] for r in submitted},
        rows_after_return=rows_after_return,
        rows_later=rows_later,
        connections=connections,
        leftovers=leftovers,
        markers=markers,
        out=out,
        output=result.stdout,
    )


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_gets_its_required_outcome(path, batch):
    case = load(path)
    if case not in batch.cases:
        pytest.skip("a containment case: only the full tier promises it (see SECURITY.md)")
    scores = batch.scores[case.student]
    for exercise in case.attacked:
        assert scores[exercise][0] == 0, (exercise, scores[exercise])
    statuses = batch.exercise_statuses[case.student]
    refused = {e for e in statuses if case.refuses(e)}
    assert {e for e, status in statuses.items() if status == "forbidden"} == refused
    if refused:
        assert batch.statuses[case.student] == "flagged"
    outcomes = batch.check_outcomes[case.student]
    for check in case.loses:
        assert outcomes[check] != "passed", (check, outcomes[check])
    control = scores[case.control]
    assert control[0] == control[1], f"the control exercise lost points: {control}"
    losing = {check.split("::")[0] for check in case.loses}
    if case.own not in case.attacked and case.own not in refused | losing:
        assert scores[case.own][0] == scores[case.own][1], f"lost points: {scores[case.own]}"
    if case.own in losing:  # only the named checks: every other check of it passed
        lost = {c for c, o in outcomes.items() if c.startswith(case.own + "::") and o != "passed"}
        assert lost == set(case.loses), lost
    assert batch.statuses[case.student] != "grader_error", "an attack passed for a grader fault"


def test_control_students_keep_full_marks_with_files_of_their_own(batch):
    for name in CONTROLS:
        student = name.replace("zz-index", "index")
        assert all(s == m for s, m in batch.scores[student].values()), (student, batch.scores)
        assert batch.statuses[student] == "ok"
    exported = {p.stem for p in (batch.out / "exports" / "json").glob("*.json")}
    assert {slug(n.replace("zz-index", "index")) for n in CONTROLS} <= exported
    assert "index" in exported  # the export's own index, not a student's file
    index = json.loads((batch.out / "exports" / "json" / "index.json").read_text())
    assert len(index["students"]) == len(batch.cases) + len(CONTROLS)


def test_every_submission_ran_at_the_tier_asked_for(batch):
    assert set(batch.tiers.values()) == {batch.tier}
    assert f"{batch.tier} (" in batch.output and "for all" in batch.output
    page = (batch.out / "report.html").read_text()
    assert f"{batch.tier} (" in page


def test_flagged_submissions_are_named_for_the_instructor(batch):
    flagged = sorted(s for s, status in batch.statuses.items() if status == "flagged")
    assert flagged and all(case.refused for case in batch.cases if case.student in flagged)
    page = (batch.out / "report.html").read_text()
    assert all(student in page for student in flagged)
    assert re.search(rf"^\s+flagged\s+{len(flagged)}$", batch.output, re.M), batch.output


def test_no_escape_sequence_reaches_the_instructors_terminal(batch):
    assert "\x1b" not in batch.output and "\x07" not in batch.output


def test_the_gradebook_does_not_change_after_the_batch_returns(batch):
    assert batch.rows_after_return == batch.rows_later


def test_nothing_a_submission_started_is_still_running(batch):
    if batch.tier == "reduced" and not sys.platform.startswith("linux"):
        pytest.skip("daemons are only hunted down on Linux at the reduced tier")
    assert not batch.leftovers, f"left running: {batch.leftovers}"


def test_nothing_escaped_the_full_sandbox(batch):
    if batch.tier != "full":
        pytest.skip("the reduced tier does not contain the network or the file system")
    assert batch.connections == 0, "the sandbox reached the host's network"
    assert not batch.markers, f"written on the host: {batch.markers}"


RUN_CASES = (
    "coding_cookie",
    "rebind_in_if_block",
    "alias_banned_call",
    "replace_call_handler",
    "fake_clock_self",
    "patch_perf_counter",
    "hidden_input_replay",
    "terminal_injection",
    "caller_frames",
    "gc_scan",
)
"""The attacks on what the judge believes (issue "The judge decides what runs"), also through
the command a student runs: ``grade run``, in text (what a terminal shows) and in JSON."""


@pytest.mark.parametrize("stem", RUN_CASES)
def test_case_gets_its_outcome_through_grade_run(stem, tmp_path):
    case = load(Path(__file__).parent / "cases" / f"{stem}.py")
    where = "replace" if case.replaces_module else "append"
    folder = make_submission(tmp_path / "s", **{where: {case.module: case.path.read_text()}})
    exercises = sorted({*case.attacked, case.own, case.control})
    command = [sys.executable, "-m", "grader", "run", *exercises, "--submission", str(folder)]
    command += ["--timeout", str(CALL_TIMEOUT_S), "--seed", "7", "--json", str(tmp_path / "r.json")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    results = {e["id"]: e for e in report["exercises"]}
    for exercise in case.attacked:
        assert results[exercise]["score"] == 0, exercise
    refused = {e for e in results if case.refuses(e)}
    assert {e for e, r in results.items() if r["status"] == "forbidden"} == refused
    if refused:
        assert "refused" in result.stdout  # said in the student's own report
    outcomes = {c["id"]: c["outcome"] for e in report["exercises"] for c in e["checks"]}
    assert all(outcomes[check] != "passed" for check in case.loses)
    control = results[case.control]
    assert control["score"] == control["max_score"]
