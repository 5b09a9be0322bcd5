"""The class gradebook: ``DIR/gradebook.sqlite``, written one submission per transaction.

A submission's row, its exercise rows and its check rows are replaced together in one
transaction, so a batch stopped at any moment (Ctrl-C, ``kill -9``, power cut with WAL) leaves
each submission either fully graded or not graded at all; rerunning the batch grades exactly
the missing ones. Only the batch's coordinating process writes here.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grader.batch.roster import Person

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    sis_user_id TEXT NOT NULL DEFAULT '',
    sis_login_id TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    in_roster INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    checks_version TEXT NOT NULL,
    selection TEXT NOT NULL,
    seed INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    duration_s REAL NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    report_json TEXT,
    tier TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS exercises (
    student TEXT NOT NULL REFERENCES submissions(student) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    status TEXT NOT NULL,
    module_sha256 TEXT NOT NULL DEFAULT '',
    checks_version TEXT NOT NULL DEFAULT '',
    seed INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (student, exercise_id)
);
CREATE TABLE IF NOT EXISTS checks (
    student TEXT NOT NULL REFERENCES submissions(student) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    visibility TEXT NOT NULL,
    outcome TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    message TEXT,
    PRIMARY KEY (student, check_id)
);
"""

SUBMISSION_STATUSES = ("ok", "error", "timeout", "flagged", "rejected", "grader_error")
"""``flagged``: the reflection rule refused some of its code (see grader.reflection)."""
"""A submission graded cleanly; with a crash; with a time-out; refused at intake; not graded
because the grader failed (its worker killed from outside, its sandbox broken): never a grade,
graded again on the next run."""


@dataclass(frozen=True)
class Graded:
    """What the gradebook knows of one submission, enough to decide whether to grade it again."""

    student: str
    sha256: str
    checks_version: str
    selection: str
    seed: int
    status: str


@dataclass(frozen=True)
class Provenance:
    """What one exercise's stored result was graded from: its module's bytes, the checks (and
    grader) that graded it, and the seed. A result is current while all three still hold."""

    module_sha256: str
    checks_version: str
    seed: int


@dataclass(frozen=True)
class Outcome:
    """One submission's result, ready to record."""

    student: str
    source: str
    sha256: str
    grader_version: str
    checks_version: str
    selection: str
    seed: int
    started_at: str
    finished_at: str
    status: str
    duration_s: float
    late: bool = False
    message: str | None = None
    report: dict[str, Any] | None = None
    """The schema-v1 report (hidden messages included); None when nothing could be graded.
    It holds every exercise the student has a result for (partial regrades are merged in)."""
    max_score: float = 0.0
    provenance: dict[str, Provenance] = field(default_factory=dict)
    """Exercise id → what its result was graded from (missing: unknown, so never current)."""


def now() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Gradebook:
    """An open gradebook file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            columns = {r["name"] for r in self.db.execute("PRAGMA table_info(submissions)")}
            if "tier" not in columns:  # a gradebook from before tiers were recorded
                self.db.execute("ALTER TABLE submissions ADD COLUMN tier TEXT NOT NULL DEFAULT ''")
            columns = {r["name"] for r in self.db.execute("PRAGMA table_info(exercises)")}
            for name, kind in (  # from before results were kept per exercise: never current
                ("module_sha256", "TEXT NOT NULL DEFAULT ''"),
                ("checks_version", "TEXT NOT NULL DEFAULT ''"),
                ("seed", "INTEGER NOT NULL DEFAULT -1"),
            ):
                if name not in columns:
                    self.db.execute(f"ALTER TABLE exercises ADD COLUMN {name} {kind}")
            self.db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('seed', ?), ('created_at', ?),"
                " ('schema_version', '1')",
                (str(secrets.randbelow(2**31)), now()),
            )

    def close(self) -> None:
        """Close the file (everything recorded is already committed)."""
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    class _Transaction:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def transaction(self) -> Gradebook._Transaction:
        """A write transaction: committed on success, rolled back on any exception."""
        return Gradebook._Transaction(self.db)

    @property
    def seed(self) -> int:
        """The batch seed, chosen when the gradebook was created: every student gets the same
        inputs (fair), and a regrade gets the same inputs again (reproducible)."""
        return int(self.db.execute("SELECT value FROM meta WHERE key='seed'").fetchone()[0])

    def set_seed(self, seed: int) -> None:
        """Use ``seed`` from now on (submissions graded with another seed are graded again)."""
        with self.transaction():
            self.db.execute("UPDATE meta SET value=? WHERE key='seed'", (str(int(seed)),))

    def graded(self) -> dict[str, Graded]:
        """What is recorded, by student."""
        rows = self.db.execute(
            "SELECT student, sha256, checks_version, selection, seed, status FROM submissions"
        )
        return {r["student"]: Graded(*r) for r in rows}

    def record(self, outcome: Outcome) -> None:
        """Replace the student's submission, exercise and check rows in one transaction."""
        report = outcome.report or {}
        exercises = report.get("exercises", [])
        with self.transaction():
            self.db.execute("DELETE FROM submissions WHERE student=?", (outcome.student,))
            self.db.execute(
                "INSERT INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    outcome.student,
                    outcome.source,
                    outcome.sha256,
                    outcome.grader_version,
                    outcome.checks_version,
                    outcome.selection,
                    outcome.seed,
                    outcome.started_at,
                    outcome.finished_at,
                    outcome.status,
                    float(report.get("score", 0.0)),
                    float(report.get("max_score", outcome.max_score)),
                    outcome.duration_s,
                    int(outcome.late),
                    outcome.message,
                    json.dumps(report) if report else None,
                    str((report.get("isolation") or {}).get("tier", "")),
                ),
            )
            unknown = Provenance("", "", -1)
            rows = []
            for e in exercises:
                made = outcome.provenance.get(e["id"], unknown)
                rows.append(
                    (outcome.student, e["id"], e["score"], e["max_score"], e["status"],
                     made.module_sha256, made.checks_version, made.seed)
                )  # fmt: skip
            self.db.executemany("INSERT INTO exercises VALUES (?,?,?,?,?,?,?,?)", rows)
            self.db.executemany(
                "INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        outcome.student,
                        c["id"],
                        e["id"],
                        c["name"],
                        c["kind"],
                        c["visibility"],
                        c["outcome"],
                        c["points"],
                        c["max_points"],
                        c["message"],
                    )
                    for e in exercises
                    for c in e["checks"]
                ],
            )
            self.db.execute(
                "INSERT OR IGNORE INTO students (student) VALUES (?)", (outcome.student,)
            )

    def remove(self, student: str) -> None:
        """Delete the student's submission, results and roster entry, in one transaction."""
        with self.transaction():
            self.db.execute("DELETE FROM submissions WHERE student=?", (student,))
            self.db.execute("DELETE FROM students WHERE student=?", (student,))

    def provenance(self) -> dict[str, dict[str, tuple[Provenance, str]]]:
        """student → exercise id → (what its stored result was graded from, its status)."""
        out: dict[str, dict[str, tuple[Provenance, str]]] = {}
        rows = self.db.execute(
            "SELECT student, exercise_id, module_sha256, checks_version, seed, status"
            " FROM exercises"
        )
        for r in rows:
            made = Provenance(r["module_sha256"], r["checks_version"], int(r["seed"]))
            out.setdefault(r["student"], {})[r["exercise_id"]] = (made, r["status"])
        return out

    def stored_report(self, student: str) -> dict[str, Any] | None:
        """The student's stored report (every exercise with a result), or None."""
        row = self.db.execute(
            "SELECT report_json FROM submissions WHERE student=?", (student,)
        ).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def add_people(self, people: Iterable[Person], *, in_roster: bool) -> None:
        """Add or update students' names and ids (roster entries win over LMS metadata)."""
        with self.transaction():
            for p in people:
                fields = (p.name, p.email, p.sis_user_id, p.sis_login_id, p.section)
                if in_roster:
                    self.db.execute(
                        "INSERT INTO students VALUES (?,?,?,?,?,?,1) ON CONFLICT(student) DO "
                        "UPDATE SET name=excluded.name, email=excluded.email, "
                        "sis_user_id=excluded.sis_user_id, sis_login_id=excluded.sis_login_id, "
                        "section=excluded.section, in_roster=1",
                        (p.student, *fields),
                    )
                else:
                    self.db.execute(
                        "INSERT INTO students VALUES (?,?,?,?,?,?,0) ON CONFLICT(student) DO "
                        "UPDATE SET name=CASE WHEN name='' THEN excluded.name ELSE name END, "
                        "email=CASE WHEN email='' THEN excluded.email ELSE email END",
                        (p.student, *fields),
                    )

    def has_roster(self) -> bool:
        """Whether a roster was ever loaded."""
        return bool(self.db.execute("SELECT 1 FROM students WHERE in_roster=1 LIMIT 1").fetchone())

    def rows(self) -> Iterator[sqlite3.Row]:
        """Every student (roster and submitters), with their submission when there is one."""
        yield from self.db.execute(
            "SELECT st.student, st.name, st.email, st.sis_user_id, st.sis_login_id, st.section,"
            " st.in_roster, s.source, s.sha256, s.status, s.score, s.max_score, s.duration_s,"
            " s.late, s.message, s.report_json, s.finished_at, s.seed, s.tier"
            " FROM students st LEFT JOIN submissions s ON s.student = st.student"
            " ORDER BY st.student"
        )

    def exercise_scores(self) -> dict[str, dict[str, float]]:
        """student → exercise id → score."""
        out: dict[str, dict[str, float]] = {}
        for r in self.db.execute("SELECT student, exercise_id, score FROM exercises"):
            out.setdefault(r["student"], {})[r["exercise_id"]] = r["score"]
        return out

    def tiers(self) -> dict[str, int]:
        """How many graded submissions ran at each isolation tier, as their reports recorded."""
        rows = self.db.execute(
            "SELECT tier, COUNT(*) FROM submissions WHERE tier != '' GROUP BY tier ORDER BY tier"
        )
        return {str(tier): int(count) for tier, count in rows}

    def counts(self) -> dict[str, int]:
        """Number of submissions, check rows and exercise rows (for tests and summaries)."""
        return {
            table: int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("submissions", "exercises", "checks")
        }
