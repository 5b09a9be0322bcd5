"""report.html: self-contained, escaped, and its charts render in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from grader.batch.classreport import build_class_report, write_class_report
from tests.batch.helpers import open_book, record

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
)  # fmt: skip


@pytest.fixture
def book(tmp_path):
    with open_book(tmp_path) as book:
        record(book, "alice", {"1.1": 2.0, "1.2": 2.0})
        record(book, "bob", {"1.1": 0.0, "1.2": 1.0}, status="timeout", duration_s=9.5)
        record(
            book,
            "<img src=x onerror=alert(1)>",
            {"1.1": 0.0},
            status="error",
            message="<script>alert(1)</script>",
        )
        record(book, "zed", {}, report=None, status="rejected", message="the zip was refused")
        yield book


def test_page_is_self_contained_and_escapes_submission_text(book):
    page = build_class_report(book, notes=["not in the roster: <b>x</b>"])
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "<b>x</b>" not in page
    # No external resources: no src at all, links only to the students' feedback pages beside
    # it, and the only URL is the SVG namespace.
    assert not re.search(r"<[^>]+\s src\s*=".replace(" ", ""), page)
    links = re.findall(r"<a href=\"([^\"]*)\"", page)
    assert links and all(re.fullmatch(r"exports/feedback/[a-z0-9._@-]+\.html", x) for x in links)
    assert set(re.findall(r"https?://[^\s'\"<>]+", page)) == {"http://www.w3.org/2000/svg"}


def test_page_lists_what_went_wrong(book):
    page = build_class_report(book)
    for text in ("Score distribution", "Checks failed most often", "wrong value", "timeout",
                 "the zip was refused", "9.50 s", "1.1::check_hidden"):  # fmt: skip
        assert text in page, text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_charts_render_in_headless_chromium_without_console_errors(book, tmp_path):
    page = tmp_path / "report.html"
    write_class_report(book, page)
    result = subprocess.run(
        ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'data-charts-drawn="2"' in result.stdout
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
