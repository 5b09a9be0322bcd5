"""A one-line live progress bar for batch grading (silent when the output is not a terminal)."""

from __future__ import annotations

import time
from typing import TextIO

from grader.batch.gradebook import SUBMISSION_STATUSES


def format_eta(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a number of seconds."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished submissions by status and redraws one line at most 10 times a second."""

    def __init__(self, total: int, stream: TextIO, *, live: bool | None = None) -> None:
        self.total = total
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.done = 0
        self.tally: dict[str, int] = dict.fromkeys(SUBMISSION_STATUSES, 0)
        self.started = time.monotonic()
        self._drawn = 0.0

    def add(self, status: str) -> None:
        """One more submission finished with ``status``."""
        self.done += 1
        self.tally[status] = self.tally.get(status, 0) + 1
        self.draw(force=self.done == self.total)

    def line(self) -> str:
        """The bar as text: done/total, rate, ETA and the running tally."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
            f"{rate:.1f}/s ETA {format_eta(eta)} | graded {self.tally['ok']} "
            f"errors {self.tally['error']} timeouts {self.tally['timeout']} "
            f"rejected {self.tally['rejected']}"
        )

    def draw(self, *, force: bool = False) -> None:
        """Redraw the bar in place (terminals only)."""
        if not self.live:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        self.stream.write("\r\x1b[2K" + self.line())
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line."""
        if self.live:
            self.draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
