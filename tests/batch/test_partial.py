"""Partial regrades merge: ``--only`` regrades those exercises and keeps every other result, a
resubmitted module regrades its own exercises only, and totals and exports are always over
every exercise the gradebook holds (issue "Grades an instructor can rely on")."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SOLUTIONS

pytestmark = pytest.mark.slow
SPINE = ("1.1", "1.2", "3.3", "3.4", "3.5")
WRONG_3_4 = "\n\ndef scale_batch_channels(imgs, scales):\n    return imgs * 1.0\n"


def grade_batch(submissions: Path, out: Path, *only: str) -> subprocess.CompletedProcess[str]:
    flags = [a for e in only for a in ("--only", e)]
    done = subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(submissions), "--out", str(out),
         "--timeout", "3", "--jobs", "2", "--isolation", "reduced", *flags],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def exercise_rows(out: Path) -> dict[tuple[str, str], tuple]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        rows = db.execute(
            "SELECT student, exercise_id, score, max_score, status, module_sha256,"
            " checks_version, seed FROM exercises"
        ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def totals(out: Path) -> dict[str, tuple[float, float]]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        rows = db.execute("SELECT student, score, max_score FROM submissions").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture
def class_of_two(tmp_path):
    for student in ("alice", "bob"):
        shutil.copytree(
            SOLUTIONS, tmp_path / "class" / student, ignore=shutil.ignore_patterns("_*")
        )
    return tmp_path / "class", tmp_path / "out"


def test_only_regrades_its_exercises_and_keeps_every_other_result(class_of_two):
    submissions, out = class_of_two
    grade_batch(submissions, out, *SPINE)
    before = exercise_rows(out)
    assert totals(out) == {"alice": (16.0, 16.0), "bob": (16.0, 16.0)}

    module = submissions / "bob" / "m03_broadcasting.py"
    module.write_text(module.read_text() + WRONG_3_4)
    done = grade_batch(submissions, out, "3.4")
    assert "2 submissions: 1 graded now, 1 unchanged" in done.stdout
    after = exercise_rows(out)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {("bob", "3.4")}
    assert after[("bob", "3.4")][0] < 4.0
    score, possible = totals(out)["bob"]
    assert possible == 16.0 and score == 12.0 + after[("bob", "3.4")][0]
    # bob's 3.3 and 3.5 were graded from the m03 he has since changed: said, not hidden
    assert "run without --only to regrade them" in done.stdout and "bob" in done.stdout

    with open(out / "exports" / "canvas.csv", newline="") as f:
        possible_row = list(csv.reader(f))[1]
    assert possible_row[-1] == "16"  # what the gradebook holds, not what --only asked for

    done = grade_batch(submissions, out, *SPINE)
    assert "2 submissions: 1 graded now, 1 unchanged" in done.stdout
    final = exercise_rows(out)
    regraded = {key for key in after if after[key][3:] != final[key][3:]}
    assert regraded == {("bob", "3.3"), ("bob", "3.5")}  # his other module-3 exercises only
    assert all(after[key][:3] == final[key][:3] for key in after)  # same grades, now current
