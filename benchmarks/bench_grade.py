"""Time `grade` on the reference solutions against the `import torch` floor, in the same run.

Usage: python benchmarks/bench_grade.py [--runs 5]
Prints the median wall time of each and their ratio (target for the 9-exercise spine: <= 1.5x).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5


def grade_command() -> list[str]:
    """The installed console script next to this interpreter, or `python -m grader`."""
    script = shutil.which("grade", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "grader"]


def seconds(command: list[str]) -> float:
    """Wall time of one run of `command` (output discarded, failure raises)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def interleaved_medians(first: list[str], second: list[str], runs: int) -> tuple[float, float]:
    """Median wall times of both commands, run alternately so machine drift hits both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(seconds(first))
        b.append(seconds(second))
    return statistics.median(a), statistics.median(b)


def main() -> None:
    """Run both measurements, interleaved after a warm-up, then print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    floor_cmd = [sys.executable, "-c", "import torch"]
    grade_cmd = [*grade_command(), "--submission", "solutions", "--seed", "0"]
    interleaved_medians(floor_cmd, grade_cmd, 1)  # warm the file cache for both
    floor, graded = interleaved_medians(floor_cmd, grade_cmd, args.runs)
    ratio = graded / floor
    print(f"import torch floor : {floor:.3f} s (median of {args.runs})")
    print(f"grade solutions/   : {graded:.3f} s (median of {args.runs})")
    print(f"ratio              : {ratio:.2f}x (target <= {TARGET_RATIO}x)")
    sys.exit(0 if ratio <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
