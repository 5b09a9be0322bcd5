"""One student at a time: ``--student`` regrades just them, ``grade gradebook`` lists, shows and
removes, and one student's folder given as a class is refused instead of becoming fake students."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SOLUTIONS

pytestmark = pytest.mark.slow
ONLY = ("--only", "1.1", "--only", "1.2")


def grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def batch(submissions: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return grade("batch", str(submissions), "--out", str(out), "--isolation", "reduced",
                 "--jobs", "2", *ONLY, *extra)  # fmt: skip


def one_error_line(stderr: str) -> str:
    """The error, which must be one line (warnings may come before it), and no traceback."""
    errors = [line for line in stderr.splitlines() if line.startswith("grade: error")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    return errors[0]


def finished_at(out: Path) -> dict[str, str]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return dict(db.execute("SELECT student, finished_at FROM submissions").fetchall())


@pytest.fixture
def graded_class(tmp_path):
    for student in ("alice", "bob"):
        shutil.copytree(
            SOLUTIONS, tmp_path / "class" / student, ignore=shutil.ignore_patterns("_*")
        )
    first = batch(tmp_path / "class", tmp_path / "out")
    assert first.returncode == 0, first.stderr
    return tmp_path / "class", tmp_path / "out"


def test_student_regrades_just_them(graded_class):
    submissions, out = graded_class
    before = finished_at(out)
    import time

    time.sleep(1.1)  # finished_at has a resolution of one second
    done = batch(submissions, out, "--student", "bob")
    assert done.returncode == 0, done.stderr
    assert "1 submissions: 1 graded now" in done.stdout
    after = finished_at(out)
    assert after["alice"] == before["alice"] and after["bob"] != before["bob"]

    unknown = batch(submissions, out, "--student", "zed")
    assert unknown.returncode == 2
    assert "no submission for zed" in one_error_line(unknown.stderr)


def test_one_students_folder_is_refused_not_turned_into_students(tmp_path):
    single = tmp_path / "erin"
    shutil.copytree(SOLUTIONS, single, ignore=shutil.ignore_patterns("_*"))
    done = batch(single, tmp_path / "out")
    assert done.returncode == 2
    error = one_error_line(done.stderr)
    assert "looks like one student's submission" in error
    assert f"grade run --submission {single}" in error
    assert not (tmp_path / "out" / "gradebook.sqlite").exists()


def test_gradebook_list_show_and_remove(graded_class):
    _, out = graded_class
    listed = grade("gradebook", "list", str(out))
    assert listed.returncode == 0, listed.stderr
    assert "alice" in listed.stdout and "bob" in listed.stdout and "5/5" in listed.stdout

    shown = grade("gradebook", "show", str(out), "bob")
    assert shown.returncode == 0, shown.stderr
    assert "bob: ok, 5/5 points" in shown.stdout
    assert "1.1" in shown.stdout and "linspace_like_numpy" in shown.stdout

    removed = grade("gradebook", "remove", str(out), "alice")
    assert removed.returncode == 0, removed.stderr
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        left = [r[0] for r in db.execute("SELECT student FROM students")]
        results = db.execute("SELECT COUNT(*) FROM exercises WHERE student='alice'").fetchone()
    assert left == ["bob"] and results == (0,)
    assert "alice" not in (out / "exports" / "canvas.csv").read_text()
    assert "alice" not in (out / "report.html").read_text()

    missing = grade("gradebook", "show", str(out), "alice")
    assert missing.returncode == 2 and "no student 'alice'" in missing.stderr
