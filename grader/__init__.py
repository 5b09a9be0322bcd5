"""tensorgrade: auto-graded PyTorch tensor exercises, scored by a judge student code can't reach."""

from __future__ import annotations

__version__ = "0.1.0"
