"""Feedback pages to hand back, and the class report an instructor reads: what they say, that
nothing from a submission can act in them, and that they render in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from grader.batch import exports
from grader.batch.classreport import build_class_report, write_class_report
from grader.batch.exports.options import ExportOptions
from grader.batch.intake import slug
from tests.batch.helpers import fake_report, open_book, record
from tests.batch.test_classreport import CHROMIUM_FLAGS

HOSTILE = "<script>alert(1)</script> ``` **bold** [link](http://x)"


@pytest.fixture
def book(tmp_path):
    with open_book(tmp_path) as book:
        record(book, "alice", {"1.1": 2.0, "1.2": 2.0})
        record(book, "bob", {"1.1": 0.0, "1.2": 1.0})
        report = fake_report({"1.1": 0.0, "1.2": 0.0})
        report["exercises"][0]["checks"][0]["message"] = HOSTILE
        record(book, "<img src=x>", {}, report=report)
        record(book, "zed", {}, report=None, status="rejected", message="the zip was refused")
        yield book


def test_feedback_pages_say_what_to_fix_and_name_hidden_checks_only(book, tmp_path):
    exports.export(book, "feedback", tmp_path / "fb", ExportOptions(assignment="Tensors"))
    page = (tmp_path / "fb" / f"{slug('bob')}.html").read_text()
    assert "Tensors: feedback for bob" in page and "Score: 1/4" in page
    assert "wrong value" in page  # a visible check's message
    assert "hidden check: Hidden check (its details are not shown)" in page
    assert "hidden detail" not in page
    assert not (tmp_path / "fb" / f"{slug('zed')}.html").exists()  # nothing was graded
    markdown = (tmp_path / "fb" / f"{slug('bob')}.md").read_text()
    assert "**Score: 1/4**" in markdown and "```text\nwrong value\n```" in markdown


def test_nothing_from_a_submission_acts_in_a_feedback_page(book, tmp_path):
    exports.export(book, "feedback", tmp_path / "fb")
    page = (tmp_path / "fb" / f"{slug('<img src=x>')}.html").read_text()
    assert "<script>alert" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;" in page and not re.search(r"<[^>]+\s(?:src|href)\s*=", page)
    markdown = (tmp_path / "fb" / f"{slug('<img src=x>')}.md").read_text()
    assert "````text\n" in markdown  # a fence longer than the message's own ```
    assert "\\<img src=x\\>" in markdown


def test_the_class_report_has_one_denominator_and_a_table_of_students(book):
    record(book, "carl", {"1.1": 0.0, "1.2": 2.0})
    page = build_class_report(book)
    denominator = re.search(r"<p id='denominator'>(.*?)</p>", page).group(1)
    assert "over the <b>4 graded submissions</b>" in denominator and "1 rejected" in denominator
    students = re.search(r"<table id='students'>.*?</table>", page).group(0)
    for who in ("alice", "bob", "carl", "zed", "&lt;img src=x&gt;"):
        assert who in students
    assert f'href="exports/feedback/{slug("carl")}.html"' in students
    assert "no submission" not in students or "zed" in students
    # "failed most often" counts students: bob, carl and <img> failed 1.1's visible check
    row = re.search(r"<td class=\"num\">(\d+)</td><td>1\.1::check_visible</td>", page)
    assert row and row.group(1) == "3"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_and_feedback_render_in_headless_chromium(book, tmp_path):
    from PIL import Image

    exports.write_all(book, tmp_path / "exports")
    write_class_report(book, tmp_path / "report.html")
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    dom = subprocess.run(
        ["chromium", *CHROMIUM_FLAGS, profile, "--dump-dom", (tmp_path / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-charts-drawn="2"' in dom.stdout
    rows = int(re.search(r'data-table-rows-drawn="(\d+)"', dom.stdout).group(1))
    assert rows >= 4 + 2 + 4  # students, exercises, failed checks (at least)
    for page, name in (
        (tmp_path / "report.html", "report.png"),
        (tmp_path / "exports" / "feedback" / f"{slug('bob')}.html", "bob.png"),
    ):
        shot = tmp_path / name
        done = subprocess.run(
            ["chromium", *CHROMIUM_FLAGS, profile, f"--screenshot={shot}",
             "--window-size=1200,1800", "--hide-scrollbars", page.as_uri()],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
        pixels = Image.open(shot).convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20) or []
        inked = sum(n for n, rgb in colours if sum(rgb) < 600)  # text, lines, bars
        assert inked > 0.005 * pixels.width * pixels.height, name
        if name == "report.png":  # the bars, in their colour, are on screen
            bars = sum(n for n, rgb in colours if abs(rgb[0] - 0x4C) + abs(rgb[1] - 0x6F)
                       + abs(rgb[2] - 0xD6) < 30)  # fmt: skip
            assert bars > 2000, bars
