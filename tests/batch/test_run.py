"""`grade batch` end to end: a mixed class, reruns, roster mismatches, kill -9 and resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from benchmarks.synthetic import make_class
from grader.batch.intake import slug
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
ONLY = ("--only", "1.1", "--only", "1.2")
SPINE_POINTS = 5.0  # 1.1 (3) + 1.2 (2)


def grade(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=300, **kwargs,
    )  # fmt: skip


def batch(submissions: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return grade("batch", str(submissions), "--out", str(out), "--timeout", "2", "--jobs", "2",
                 *ONLY, *extra)  # fmt: skip


def rows(out: Path, query: str) -> list[tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def test_mixed_class_is_graded_exported_and_a_rerun_grades_nothing(tmp_path):
    kinds = make_class(tmp_path / "class", 6)  # solution, hang, crash, solution, stub, mutant
    with zipfile.ZipFile(tmp_path / "class" / "zoe.zip", "w") as zf:
        zf.writestr("../m01_creation.py", "x = 1")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email\n" + "".join(f"{s},Name {s},{s}@u.edu\n" for s in kinds if s != "student005")
        + "nobody,No Body,nb@u.edu\n"
    )  # fmt: skip
    out = tmp_path / "out"
    first = batch(tmp_path / "class", out, "--roster", str(roster))
    assert first.returncode == 0, first.stderr
    assert "7 submissions: 7 graded now, 0 unchanged" in first.stdout
    assert "not in the roster (graded, exported without SIS ids): student005, zoe" in first.stdout
    assert "in the roster without a submission: nobody" in first.stdout
    status = dict(rows(out, "SELECT student, status FROM submissions"))
    assert status == {
        "student000": "ok", "student001": "timeout", "student002": "error", "student003": "ok",
        "student004": "ok", "student005": "ok", "zoe": "rejected",
    }  # fmt: skip
    scores = dict(rows(out, "SELECT student, score FROM submissions"))
    assert scores["student000"] == scores["student003"] == SPINE_POINTS
    assert scores["student004"] == 0 and scores["zoe"] == 0
    assert 0 < scores["student001"] < SPINE_POINTS  # the hang costs 1.1 only
    assert 0 < scores["student002"] < SPINE_POINTS  # so does the crash
    for name in ("grades.csv", "canvas.csv", "moodle.csv", "json/index.json"):
        assert (out / "exports" / name).is_file(), name
    assert (out / "exports" / "gradescope" / slug("student000") / "results.json").is_file()
    assert "class report" in (out / "report.html").read_text()

    again = batch(tmp_path / "class", out)
    assert again.returncode == 0, again.stderr
    assert "7 submissions: 0 graded now, 7 unchanged" in again.stdout

    module = tmp_path / "class" / "student004" / "m01_creation.py"
    module.write_text((ROOT / "solutions" / "m01_creation.py").read_text())
    updated = batch(tmp_path / "class", out)
    assert "1 graded now, 6 unchanged" in updated.stdout
    assert dict(rows(out, "SELECT student, score FROM submissions"))["student004"] == SPINE_POINTS
    forced = batch(tmp_path / "class", out, "--regrade")
    assert "7 graded now" in forced.stdout
    assert rows(out, "SELECT COUNT(*), COUNT(DISTINCT student) FROM submissions") == [(7, 7)]


def test_kill_dash_nine_then_rerun_grades_every_submission_exactly_once(tmp_path):
    count = 14
    make_class(tmp_path / "class", count, hang=False, crash=False)
    out = tmp_path / "out"
    # At the reduced tier: kill -9 at the full tier is the stop and random-kill tests' business.
    command = [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
               str(out), "--jobs", "2", "--isolation", "reduced", *ONLY]  # fmt: skip
    for _ in range(2):  # kill twice at different points
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        before = _graded(out)
        while time.monotonic() < deadline and _graded(out) < before + 3:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    done_before = _graded(out)
    assert 0 < done_before < count
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{count - done_before} graded now, {done_before} unchanged" in result.stdout
    assert rows(out, "SELECT COUNT(*), COUNT(DISTINCT student) FROM submissions") == [
        (count, count)
    ]
    per_student = rows(out, "SELECT student, COUNT(*) FROM checks GROUP BY student")
    assert len(per_student) == count and len({n for _, n in per_student}) == 1
    assert rows(out, "PRAGMA integrity_check") == [("ok",)]


def _graded(out: Path) -> int:
    try:
        return rows(out, "SELECT COUNT(*) FROM submissions")[0][0]
    except sqlite3.Error:
        return 0


def test_ctrl_c_stops_cleanly_and_keeps_what_is_graded(tmp_path):
    make_class(tmp_path / "class", 10, hang=False, crash=False)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out", str(out),
         "--jobs", "1", *ONLY],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _graded(out) < 2:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Run the same command again" in stderr and "Traceback" not in stderr
    assert _graded(out) >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["batch", "missing-folder", "--out", "OUT"], "does not exist"),
        (["batch", "solutions", "--out", "OUT", "--only", "9.9"], "9.9"),
        (["batch", "solutions", "--out", "OUT", "--roster", "nope.csv"], "could not be read"),
        (["export", "OUT", "--format", "csv"], "run grade batch first"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    result = grade(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_command_writes_the_chosen_format(tmp_path):
    make_class(tmp_path / "class", 1, hang=False, crash=False)
    out = tmp_path / "out"
    assert batch(tmp_path / "class", out).returncode == 0
    result = grade("export", str(out), "--format", "canvas", "--assignment", "Lab",
                   "--assignment-id", "12", "--out", str(tmp_path / "c.csv"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c.csv").read_text().splitlines()[0].endswith("Lab (12)")
    # the LMS formats, from this real grading run, to their specifications
    from tests import specs

    for fmt, target in (("junit", "j.xml"), ("lti-ags", "l.json"), ("prairielearn", "pl")):
        done = grade("export", str(out), "--format", fmt, "--out", str(tmp_path / target))
        assert done.returncode == 0, done.stderr
    specs.check_junit((tmp_path / "j.xml").read_bytes())
    scores = json.loads((tmp_path / "l.json").read_text())
    assert len(scores) == 1 and all(specs.check_lti_ags(s) is None for s in scores)
    (results,) = (tmp_path / "pl").glob("*/results.json")
    specs.check_prairielearn(json.loads(results.read_text()))
