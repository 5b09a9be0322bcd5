"""The adversarial corpus: every case in cases/ against the batch's own judge, at each tier.

Each case is a submission module (appended to the reference solutions' module it names) with
the attack it tries in its docstring and its required outcome in constants:
``ATTACKED`` (exercises that must score 0), ``FORGES_SCORE`` (the reduced tier must also score it
0; otherwise the case is about containment, which only the full tier promises),
``LEAVES_PROCESSES`` / ``MARKER`` / ``NEEDS_LISTENER`` (what escape to look for), ``EXTRA_FILES``.
Required everywhere the case runs: the judge answers, attacked exercises score 0, a control
exercise of another module keeps full marks, the judge's wall time stays bounded. At the full
tier also: no marker file on the host, no connection reaches the host, no process left behind.
"""

from __future__ import annotations

import ast
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader import sandbox
from grader.batch.server import Judge, handle
from grader.catalog import BY_ID
from tests.conftest import make_submission

pytestmark = pytest.mark.slow
CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))
CALL_TIMEOUT_S = 3.0
WALL_LIMIT_S = 60.0
FULL = sandbox.probe("auto").tier == "full"
EXERCISE_OF_MODULE = {"m01_creation": "1.1", "m03_broadcasting": "3.3"}


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

    @property
    def control(self) -> str:
        return "3.1" if self.module == "m01_creation" else "1.2"


def load(path: Path) -> Case:
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return Case(
        path=path,
        module=values["MODULE"],
        attacked=tuple(values["ATTACKED"]),
        forges_score=bool(values["FORGES_SCORE"]),
        leaves_processes=bool(values.get("LEAVES_PROCESSES")),
        marker=values.get("MARKER"),
        needs_listener=bool(values.get("NEEDS_LISTENER")),
        extra_files=dict(values.get("EXTRA_FILES", {})),
    )


def test_the_corpus_covers_at_least_25_attacks():
    assert len(CASES) >= 25
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


def build(case: Case, into: Path, port: int) -> Path:
    source = case.path.read_text().replace("PORT", str(port))
    make_submission(into, append={case.module: source}, extra=case.extra_files)
    return into


@pytest.fixture(scope="module", params=["full", "reduced"])
def judge(request, tmp_path_factory):
    if request.param == "full" and not FULL:
        pytest.skip("full isolation needs bubblewrap with user namespaces; not available here")
    home = tmp_path_factory.mktemp(f"judge-{request.param}")
    judge = Judge(home, sandbox.probe(request.param))
    yield judge
    judge.close()
    if request.param == "full":
        assert not tg_adv_processes(), "a process outlived the sandbox"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_gets_its_required_outcome(path, judge, tmp_path):
    case = load(path)
    full = judge.isolation.tier == "full"
    if not full and not case.forges_score:
        pytest.skip("a containment case: only the full tier promises it (see SECURITY.md)")
    if case.leaves_processes and not full and not sandbox.sys.platform.startswith("linux"):
        pytest.skip("daemons are only hunted down on Linux at the reduced tier")
    for stale in ("/tmp/tg-adv-daemon-marker", "/tmp/tg-adv-big"):
        Path(stale).unlink(missing_ok=True)
    listener = Listener()
    try:
        submission = build(case, tmp_path / "submission", listener.port)
        own = EXERCISE_OF_MODULE[case.module]
        exercises = tuple(dict.fromkeys((*case.attacked, own, case.control)))
        started = time.monotonic()
        answer = handle(
            {"id": case.path.stem, "path": str(submission), "seed": 7,
             "exercises": list(exercises), "timeout_s": CALL_TIMEOUT_S},
            judge,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        time.sleep(0.5)  # give a daemon time to write its marker, if it could
        connections = listener.connections
    finally:
        listener.close()
    assert "report" in answer, answer
    scores = {e["id"]: (e["score"], e["max_score"]) for e in answer["report"]["exercises"]}
    for exercise in case.attacked:
        assert scores[exercise][0] == 0, (exercise, scores[exercise])
    control = scores[case.control]
    assert control[0] == control[1], f"the control exercise lost points: {control}"
    if own not in case.attacked:
        assert scores[own][0] == scores[own][1], f"{own} lost points: {scores[own]}"
    assert elapsed < WALL_LIMIT_S
    if full:
        assert connections == 0, "the sandbox reached the host's network"
        for marker in filter(None, (case.marker, "/tmp/tg-adv-big")):
            assert not Path(marker).exists(), f"{marker} was written on the host"
    if case.leaves_processes:
        judge.prepare(submission)  # what the batch does before the next submission
        deadline = time.monotonic() + 5
        while tg_adv_processes() and time.monotonic() < deadline:
            judge.prepare(submission)
            time.sleep(0.1)
        assert not tg_adv_processes(), "a process the submission started is still running"
