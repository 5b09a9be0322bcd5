"""Exports: each file in its LMS's format, formula-safe, hidden messages kept from students."""

from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from grader.batch import exports
from grader.batch.exports.cells import safe_cell
from grader.batch.exports.options import ExportOptions
from grader.batch.intake import slug
from grader.batch.roster import Person
from grader.reporters.jsonfile import SCHEMA_PATH
from tests.batch.helpers import open_book, record


@pytest.fixture
def book(tmp_path):
    with open_book(tmp_path) as book:
        book.add_people(
            [
                Person("1234", "Doe, Jane", "jane@u.edu", "S1", "jdoe", "A"),
                Person("555", '=HYPERLINK("http://x")', "", "S2", "", "B"),
                Person("999", "Absent Al", "al@u.edu", "S3", "al", "A"),
            ],
            in_roster=True,
        )
        record(book, "1234", {"1.1": 2.0, "1.2": 1.5})
        record(book, "555", {"1.1": 0.0, "1.2": 1.0}, status="timeout")
        record(book, "stranger", {"1.1": 1.0, "1.2": 0.0})
        yield book


def _rows(path):
    return list(csv.reader(path.read_text("utf-8").splitlines()))


def test_csv_one_row_per_student_one_column_per_exercise(book, tmp_path):
    exports.export(book, "csv", tmp_path / "g.csv")
    rows = _rows(tmp_path / "g.csv")
    header = rows[0]
    assert header[:5] == ["student", "name", "email", "1.1", "1.2"]
    assert header[-4:] == ["total", "max_total", "status", "late"]
    by_student = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert by_student["1234"]["1.1"] == "2" and by_student["1234"]["1.2"] == "1.5"
    assert by_student["1234"]["total"] == "3.5"
    assert by_student["555"]["status"] == "timeout"
    assert by_student["999"]["status"] == "missing" and by_student["999"]["total"] == ""
    assert by_student["555"]["name"].startswith("'=")  # formula injection defused


def test_canvas_import_format(book, tmp_path):
    options = ExportOptions(assignment="Tensors", assignment_id="4521")
    exports.export(book, "canvas", tmp_path / "c.csv", options)
    rows = _rows(tmp_path / "c.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Tensors (4521)"]
    # what the gradebook holds (two exercises of 2 points each), not the catalog's 100
    assert rows[1] == ["    Points Possible", "", "", "", "", "4"]
    body = {r[1]: r for r in rows[2:]}
    assert body["1234"] == ["Doe, Jane", "1234", "S1", "jdoe", "A", "3.5"]
    assert body["999"][5] == ""  # no submission: blank, so Canvas changes nothing
    assert body["stranger"][2] == ""  # not in the roster: kept, without SIS ids


def test_canvas_names_students_graded_over_fewer_points(book, tmp_path):
    record(book, "partial", {"1.1": 2.0})
    notes = exports.export(book, "canvas", tmp_path / "c.csv", ExportOptions())
    assert _rows(tmp_path / "c.csv")[1][-1] == "4"
    assert any("fewer than the 4 points possible (partial)" in n for n in notes)


def test_moodle_needs_an_identifier_and_warns_about_rows_without_one(book, tmp_path):
    warnings = exports.export(book, "moodle", tmp_path / "m.csv", ExportOptions(moodle_id="email"))
    assert _rows(tmp_path / "m.csv") == [["email", "tensorgrade"], ["jane@u.edu", "3.5"]]
    assert warnings and "555" in warnings[0] and "stranger" in warnings[0]
    exports.export(book, "moodle", tmp_path / "i.csv", ExportOptions(moodle_id="idnumber"))
    assert _rows(tmp_path / "i.csv")[1:] == [["S1", "3.5"], ["S2", "1"]]


def test_json_reports_follow_schema_v1_without_hidden_messages(book, tmp_path):
    exports.export(book, "json", tmp_path / "json")
    schema = json.loads(SCHEMA_PATH.read_text())
    index = json.loads((tmp_path / "json" / "index.json").read_text())
    assert {s["student"]: s["status"] for s in index["students"]} == {
        "1234": "ok", "555": "timeout", "999": "missing", "stranger": "ok",
    }  # fmt: skip
    for entry in index["students"]:
        if entry["report"] is None:
            continue
        report = json.loads((tmp_path / "json" / entry["report"]).read_text())
        jsonschema.validate(report, schema)
        hidden = [
            c for e in report["exercises"] for c in e["checks"] if c["visibility"] == "hidden"
        ]
        assert hidden and all(c["message"] is None for c in hidden)


def test_gradescope_results_per_student(book, tmp_path):
    exports.export(book, "gradescope", tmp_path / "gs")
    results = json.loads((tmp_path / "gs" / slug("1234") / "results.json").read_text())
    assert results["score"] == 3.5
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}
    assert all("hidden detail" not in t["output"] for t in results["tests"])
    assert not (tmp_path / "gs" / slug("999")).exists()


def test_write_all_writes_every_format(book, tmp_path):
    exports.write_all(book, tmp_path / "all")
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == ["canvas.csv", "feedback", "grades.csv", "gradescope", "json", "junit.xml",
                     "lti-ags-scores.json", "moodle.csv", "prairielearn"]  # fmt: skip


@pytest.mark.parametrize("text", ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_escaped(text):
    assert safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone():
    assert safe_cell(3.5) == 3.5 and safe_cell(0) == 0 and safe_cell("Doe, Jane") == "Doe, Jane"


@pytest.mark.parametrize("fmt", ["json", "gradescope", "feedback", "prairielearn"])
def test_a_folder_export_never_deletes_files_it_did_not_write(book, tmp_path, fmt):
    mine = tmp_path / "Documents"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    with pytest.raises(FileExistsError, match="did not write"):
        exports.export(book, fmt, mine)
    assert (mine / "thesis.tex").read_text() == "years of work"
    fresh = tmp_path / "new"
    exports.export(book, fmt, fresh)
    exports.export(book, fmt, fresh)  # its own earlier export is replaced
    assert any(fresh.iterdir())
