"""The gradebook: one row per student, replaced whole, seed kept, roster merged."""

from __future__ import annotations

import sqlite3

import pytest

from grader.batch.gradebook import Gradebook
from grader.batch.roster import Person
from tests.batch.helpers import open_book, record


def test_record_replaces_a_students_rows_in_one_piece(tmp_path):
    with open_book(tmp_path) as book:
        record(book, "alice", {"1.1": 1.0, "1.2": 0.0})
        record(book, "bob", {"1.1": 0.0, "1.2": 1.0})
        assert book.counts() == {"submissions": 2, "exercises": 4, "checks": 8}
        record(book, "alice", {"1.1": 1.0, "1.2": 1.0}, sha256="h2")
        assert book.counts() == {"submissions": 2, "exercises": 4, "checks": 8}
        assert book.graded()["alice"].sha256 == "h2"
        assert book.exercise_scores()["alice"] == {"1.1": 1.0, "1.2": 1.0}


def test_a_failed_write_leaves_nothing_half_recorded(tmp_path):
    with open_book(tmp_path) as book:
        record(book, "alice", {"1.1": 1.0})
        bad = {"exercises": [{"id": "1.1", "score": 1, "max_score": 2, "status": "passed",
                              "checks": [{"id": "dup"}]}]}  # fmt: skip
        with pytest.raises(KeyError):
            record(book, "alice", {"1.1": 0.0}, report=bad, sha256="h-new")
        assert book.graded()["alice"].sha256 == "h-alice"
        assert book.counts() == {"submissions": 1, "exercises": 1, "checks": 2}


def test_seed_is_chosen_once_and_kept(tmp_path):
    with open_book(tmp_path) as book:
        seed = book.seed
    with open_book(tmp_path) as book:
        assert book.seed == seed
        book.set_seed(7)
        assert book.seed == 7


def test_roster_wins_over_lms_metadata_and_strangers_are_kept(tmp_path):
    with open_book(tmp_path) as book:
        book.add_people([Person("1", name="From LMS", email="lms@u.edu")], in_roster=False)
        book.add_people([Person("1", name="Roster Name", sis_user_id="S1")], in_roster=True)
        book.add_people([Person("1", name="Later LMS")], in_roster=False)
        record(book, "stranger", {"1.1": 1.0})
        rows = {r["student"]: r for r in book.rows()}
        assert rows["1"]["name"] == "Roster Name" and rows["1"]["sis_user_id"] == "S1"
        assert rows["1"]["status"] is None  # in the roster, no submission
        assert rows["stranger"]["in_roster"] == 0 and rows["stranger"]["score"] == 1.0


def test_file_is_wal_mode_sqlite(tmp_path):
    Gradebook(tmp_path / "g.sqlite").close()
    db = sqlite3.connect(tmp_path / "g.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
