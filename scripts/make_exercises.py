"""Regenerate exercises/ (student stubs) from solutions/ (the single source)."""

from __future__ import annotations

import sys
from pathlib import Path

from grader.stubgen import generate

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    for path in generate(ROOT / "solutions", ROOT / "exercises"):
        print(f"wrote {path.relative_to(ROOT)}")
    sys.exit(0)
