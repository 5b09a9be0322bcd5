"""The progress bar: live on a terminal, silent otherwise."""

from __future__ import annotations

import io

from grader.batch.progress import Progress, format_eta


def test_line_shows_done_rate_eta_and_tally():
    progress = Progress(4, io.StringIO(), live=False)
    for status in ("ok", "ok", "timeout"):
        progress.add(status)
    line = progress.line()
    assert "3/4" in line and "/s" in line and "ETA" in line
    assert "graded 2" in line and "timeouts 1" in line and "errors 0" in line


def test_silent_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(2, stream)  # StringIO is not a TTY
    progress.add("ok")
    progress.add("error")
    progress.finish()
    assert stream.getvalue() == ""


def test_live_redraws_in_place():
    stream = io.StringIO()
    progress = Progress(1, stream, live=True)
    progress.add("ok")
    progress.finish()
    assert stream.getvalue().startswith("\r") and stream.getvalue().endswith("\n")
    assert "1/1" in stream.getvalue()


def test_eta_format():
    assert format_eta(0) == "0:00" and format_eta(75) == "1:15" and format_eta(3725) == "1:02:05"
