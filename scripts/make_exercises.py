"""Regenerate exercises/ (student stubs) from solutions/ (the single source), and the README's
curriculum table from grader/catalog.py."""

from __future__ import annotations

import sys
from pathlib import Path

from grader.curriculum import with_table
from grader.stubgen import generate

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    for path in generate(ROOT / "solutions", ROOT / "exercises"):
        print(f"wrote {path.relative_to(ROOT)}")
    readme = ROOT / "README.md"
    if readme.exists():
        text = readme.read_text()
        fresh = with_table(text, ROOT / "solutions")
        if fresh != text:
            readme.write_text(fresh)
            print("wrote README.md (curriculum table)")
    sys.exit(0)
