"""The class list: who the students are, as the LMS knows them.

A roster is a CSV with a header row. The student id column is the first of ``id``,
``student_id``, ``sid``, ``user_id``, ``login``, ``email`` present (case and spaces ignored);
optional columns: ``name`` (or ``first_name`` + ``last_name``), ``email``, ``sis_user_id``,
``sis_login_id``, ``section``. A Canvas gradebook export works as-is (``Student``, ``ID``,
``SIS User ID``, ``SIS Login ID``, ``Section``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ID_COLUMNS = ("id", "student_id", "sid", "user_id", "login", "email")


class RosterError(Exception):
    """The roster file can't be used; one line for the user."""


@dataclass(frozen=True)
class Person:
    """One student of the class."""

    student: str
    name: str = ""
    email: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


def _key(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def read_roster(path: Path) -> tuple[Person, ...]:
    """Read a roster CSV; raises RosterError naming the problem."""
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"the roster {path} could not be read: {exc}") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise RosterError(f"the roster {path} is empty")
    header = [_key(h) for h in rows[0]]
    if "student" in header and "id" not in header:
        raise RosterError(f"the roster {path} has a Student column but no ID column")
    id_column = next((c for c in ID_COLUMNS if c in header), None)
    if id_column is None:
        raise RosterError(
            f"the roster {path} has no student id column (one of: {', '.join(ID_COLUMNS)})"
        )
    people: dict[str, Person] = {}
    for row in rows[1:]:
        record = dict(zip(header, (cell.strip() for cell in row)))
        student = record.get(id_column, "")
        if not student or "points_possible" in _key(record.get("student", "")):
            continue  # blank lines and Canvas's "Points Possible" row
        name = (
            record.get("name")
            or record.get("student")
            or " ".join(
                part for part in (record.get("first_name", ""), record.get("last_name", "")) if part
            )
        )
        people[student] = Person(
            student=student,
            name=name,
            email=record.get("email", ""),
            sis_user_id=record.get("sis_user_id", ""),
            sis_login_id=record.get("sis_login_id", ""),
            section=record.get("section", ""),
        )
    return tuple(people.values())
