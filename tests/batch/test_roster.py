"""Rosters: our own CSV and Canvas's gradebook export both read; bad files give one line."""

from __future__ import annotations

import pytest

from grader.batch.roster import Person, RosterError, read_roster


def test_plain_roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("id,name,email,SIS User ID\nalice,Alice A,alice@u.edu,S1\n\nbob,Bob B,,\n")
    assert read_roster(path) == (
        Person("alice", "Alice A", "alice@u.edu", "S1"),
        Person("bob", "Bob B"),
    )


def test_canvas_gradebook_export_is_a_roster(tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (77)\n"
        "    Points Possible,,,,,100\n"
        '"Doe, Jane",1234,S9,jdoe,A1,\n'
    )
    assert read_roster(path) == (Person("1234", "Doe, Jane", "", "S9", "jdoe", "A1"),)


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "is empty"), ("name,phone\nA,1\n", "no student id column")],
)
def test_unusable_roster_says_why(tmp_path, text, why):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=why):
        read_roster(path)
    with pytest.raises(RosterError, match="could not be read"):
        read_roster(tmp_path / "missing.csv")
