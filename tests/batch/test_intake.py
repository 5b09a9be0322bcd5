"""Intake: every layout an instructor downloads becomes one staged folder per student."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grader.batch.intake import collect, slug

GOOD = "def linspace_like_numpy(start, stop, num):\n    return None\n"


def _by_student(intake):
    return {e.student: e for e in intake.entries}


def _zip_folder(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def test_folders_zips_and_single_files(tmp_path):
    sub = tmp_path / "in"
    (sub / "alice").mkdir(parents=True)
    (sub / "alice" / "m01_creation.py").write_text(GOOD)
    (sub / "alice" / "conftest.py").write_text("raise SystemExit")
    (sub / "alice" / "pytest.ini").write_text("[pytest]")
    (sub / "bob" / "exercises").mkdir(parents=True)
    (sub / "bob" / "exercises" / "m02_views.py").write_text("x = 2")
    _zip_folder(sub / "carol.zip", {"carol/exercises/m01_creation.py": GOOD, "carol/a.txt": ""})
    (sub / "dave.py").write_text(GOOD)
    (sub / "readme.txt").write_text("hi")
    intake = collect(sub, tmp_path / "staged")
    found = _by_student(intake)
    assert sorted(found) == ["alice", "bob", "carol", "dave"]
    assert sorted(p.name for p in found["alice"].staged.iterdir()) == ["m01_creation.py"]
    assert (found["bob"].staged / "m02_views.py").read_text() == "x = 2"
    assert (found["carol"].staged / "m01_creation.py").read_text() == GOOD
    assert found["dave"].staged.name == "submission.py"
    assert any("readme.txt" in note for note in intake.notes)


def test_nothing_gradable_and_unsafe_zips_are_rejected_with_a_reason(tmp_path):
    sub = tmp_path / "in"
    (sub / "erin").mkdir(parents=True)
    (sub / "erin" / "a.py").write_text("")
    (sub / "erin" / "b.py").write_text("")
    _zip_folder(sub / "frank.zip", {"../../m01_creation.py": GOOD})
    (sub / "gina.zip").write_bytes(b"not a zip")
    found = _by_student(collect(sub, tmp_path / "staged"))
    assert found["erin"].staged is None and "none of the exercise modules" in found["erin"].problem
    assert found["frank"].staged is None and "climbs out" in found["frank"].problem
    assert found["gina"].staged is None and "not a readable zip" in found["gina"].problem
    assert not (tmp_path / "m01_creation.py").exists()


@pytest.mark.skipif(os.name != "posix", reason="symlinks need POSIX")
def test_links_are_never_followed(tmp_path):
    secret = tmp_path / "secret.py"
    secret.write_text("SECRET = 1")
    sub = tmp_path / "in"
    (sub / "hank").mkdir(parents=True)
    (sub / "hank" / "m01_creation.py").symlink_to(secret)
    (sub / "ivan").symlink_to(tmp_path)
    intake = collect(sub, tmp_path / "staged")
    found = _by_student(intake)
    assert found["hank"].staged is None and "link" in found["hank"].problem
    assert "ivan" not in found and any("ivan" in n for n in intake.notes)


def test_canvas_download_loose_and_zipped(tmp_path):
    sub = tmp_path / "in"
    sub.mkdir()
    (sub / "doejane_1234_555_m01_creation.py").write_text("old")
    later = sub / "doejane_1234_556_m01_creation-1.py"
    later.write_text(GOOD)
    os.utime(later, (2e9, 2e9))
    (sub / "roeric_late_99_600_m02_views.py").write_text("x = 2")
    _zip_folder(sub / "smithann_42_700_work.zip", {"exercises/m01_creation.py": GOOD})
    found = _by_student(collect(sub, tmp_path / "staged"))
    assert sorted(found) == ["1234", "42", "99"]
    assert (found["1234"].staged / "m01_creation.py").read_text() == GOOD  # resubmission wins
    assert found["99"].late and (found["99"].staged / "m02_views.py").exists()
    assert (found["42"].staged / "m01_creation.py").read_text() == GOOD

    download = _zip_folder(tmp_path / "submissions.zip", {"doejane_1234_555_m01_creation.py": GOOD})
    assert sorted(_by_student(collect(download, tmp_path / "staged2"))) == ["1234"]


def test_gradescope_export_uses_its_metadata(tmp_path):
    sub = tmp_path / "in"
    (sub / "submission_1").mkdir(parents=True)
    (sub / "submission_1" / "m01_creation.py").write_text(GOOD)
    (sub / "submission_metadata.yml").write_text(
        "submission_1:\n"
        "  :submitters:\n"
        "  - :name: Jane Doe\n"
        "    :sid: '007'\n"
        "    :email: jane@u.edu\n"
        "  - :name: Bo Lee\n"
        "    :email: bo@u.edu\n"
        "  :created_at: 2026-11-01 10:00:00.000000000 -07:00\n"
        "submission_2:\n"
        "  :submitters: []\n"
    )
    intake = collect(sub, tmp_path / "staged")
    found = _by_student(intake)
    assert sorted(found) == ["007", "bo@u.edu"]
    assert found["007"].person.name == "Jane Doe" and found["007"].person.email == "jane@u.edu"
    assert (found["bo@u.edu"].staged / "m01_creation.py").exists()
    assert any("submission_2" in n for n in intake.notes)


def test_bad_submissions_argument_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        collect(tmp_path / "nope", tmp_path / "staged")
    (tmp_path / "f.txt").write_text("")
    with pytest.raises(NotADirectoryError, match=r"neither a folder nor a \.zip"):
        collect(tmp_path / "f.txt", tmp_path / "staged")


def test_slug_keeps_ids_apart():
    assert slug("alice").startswith("alice-")
    assert "/" not in slug("../../etc") and not slug("..").startswith(".")
    # Ids that clean up alike, differ only in case (macOS/Windows file systems), or are names
    # the exports use themselves get names of their own: unique by construction.
    alike = ["a/b", "a_b", "a b", "A_B", "a_B", "index", "Index", "CON", "con", "..", "."]
    names = [slug(s).lower() for s in alike]
    assert len(set(names)) == len(alike)
    assert all(name not in ("index", "con") for name in names)


def test_every_file_not_graded_is_named_with_why(tmp_path):
    student = tmp_path / "class" / "erin"
    student.mkdir(parents=True)
    (student / "m01_creation.py").write_text(GOOD)
    (student / "broadcasting.py").write_text("x = 1\n")
    (student / "notes.txt").write_text("my notes\n")
    (student / "old").mkdir()
    (student / "old" / "m01_creation.py").write_text(GOOD)
    intake = collect(tmp_path / "class", tmp_path / "staged")
    (note,) = [n for n in intake.notes if n.startswith("erin:")]
    assert "broadcasting.py is not an exercise module (expected one of m01_creation.py" in note
    assert "notes.txt (not a .py file)" in note
    assert "old/m01_creation.py (another copy; m01_creation.py was graded)" in note
