"""``python -m grader`` is the ``grade`` command."""

from __future__ import annotations

from grader.cli import main

main()
