"""Time `grade` on the reference solutions against the `import torch` floor, in the same run.

Usage: python benchmarks/bench_grade.py [--runs 5]

Prints the median wall time of each command and the ratios to the floor:
- the 9-exercise spine (issue "1/6 Foundation"): target <= 1.5x the floor;
- every exercise built so far (issue "2/6 The whole curriculum"): target <= 1.5x the floor + 1 s.
A second floor is printed too: `import torch` plus one operation on the `meta` device, which
imports torch._dynamo (about 0.9 s). Every device round pays it, so no run with one can be
faster; the grader's own cost is the time above that floor.
Runs are interleaved so that machine drift hits all commands alike.
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
sys.path.insert(0, str(ROOT))

from grader.catalog import CATALOG  # noqa: E402

SPINE = ("1.1", "1.2", "3.1", "3.3", "3.4", "4.1", "4.2", "5.1", "7.1")


def grade_command() -> list[str]:
    """The installed console script next to this interpreter, or `python -m grader`."""
    script = shutil.which("grade", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "grader"]


def seconds(command: list[str]) -> float:
    """Wall time of one run of `command` (output discarded, failure raises)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def interleaved_medians(commands: list[list[str]], runs: int) -> list[float]:
    """Median wall time of each command, the commands run in turn `runs` times."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            times[i].append(seconds(command))
    return [statistics.median(t) for t in times]


def main() -> None:
    """Measure, print the figures, exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = [*grade_command(), "--seed", "0", "--submission", "solutions"]
    meta_op = "import torch; torch.ones(2, device='meta') * torch.ones(2, device='meta')"
    commands = [
        [sys.executable, "-c", "import torch"],
        [sys.executable, "-c", meta_op],
        [*base[:1], "run", *SPINE, *base[1:]],
        base,
    ]
    interleaved_medians(commands, 1)  # warm the file cache
    floor, meta_floor, spine, everything = interleaved_medians(commands, args.runs)
    spine_ratio = spine / floor
    all_ratio = everything / floor
    print(f"import torch floor           : {floor:.3f} s (median of {args.runs})")
    print(
        f"import torch + one meta op   : {meta_floor:.3f} s = {meta_floor / floor:.2f}x floor "
        "(the least any run with a meta device round can take)"
    )
    print(
        f"grade, 9-exercise spine      : {spine:.3f} s = {spine_ratio:.2f}x floor (target <= 1.5x)"
    )
    print(
        f"grade, all {len(CATALOG)} exercises built : {everything:.3f} s = {all_ratio:.2f}x floor; "
        f"floor*1.5 + 1 s = {floor * 1.5 + 1:.3f} s (target)"
    )
    print(
        f"above the meta floor         : spine +{spine - meta_floor:.3f} s, "
        f"all +{everything - meta_floor:.3f} s"
    )
    ok = spine_ratio <= 1.5 and everything <= floor * 1.5 + 1
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
