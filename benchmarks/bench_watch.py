"""Warm feedback against a cold `grade run`, in the same run (issue "6/7 Students where they
work").

Usage: python benchmarks/bench_watch.py [--edits 5] [--runs 5]

Prints medians and ratios:
- `grade watch`: from saving an edit of 3.4 to its JSON report line, against a cold
  `grade run 3.4` of the same submission. Target: warm <= 0.15x cold.
- `check()` (the Jupyter entry point, timed in a fresh process without a kernel): its second
  call against its first. Target: second <= 0.15x first.
- a cold `grade` of all 30 exercises against the `import torch` + one `meta` op floor that
  bench_grade.py prints. Target: <= 1.10x.
"""

from __future__ import annotations

import argparse
import json
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_grade import grade_command, interleaved_medians  # noqa: E402

CHECK_TWICE = """
import sys, time
sys.path.insert(0, {root!r})
from grader.notebook.incell import grade_cells, stop
cells = [open({module!r}).read()]
t0 = time.perf_counter(); grade_cells(cells, ("3.4",), seed=1); t1 = time.perf_counter()
grade_cells(cells, ("3.4",), seed=1); t2 = time.perf_counter()
stop()
print(t1 - t0, t2 - t1)
"""


def _submission(into: Path) -> Path:
    folder = into / "exercises"
    folder.mkdir()
    for module in (ROOT / "solutions").glob("m*.py"):
        shutil.copy(module, folder / module.name)
    return folder


def watch_edits(folder: Path, edits: int) -> list[float]:
    """Seconds from each saved edit of 3.4 to its regraded report line."""
    module = folder / "m03_broadcasting.py"
    original = module.read_text()
    anchor = "def scale_batch_channels("
    process = subprocess.Popen(
        [*grade_command(), "watch", "3.4", "--submission", str(folder), "--json-lines",
         "--seed", "1", "--interval", "0.05"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    times = []
    try:
        process.stdout.readline()  # the first, cold grading
        for i in range(edits):
            # A real change of the function's code (a comment would not regrade anything).
            at = original.index("    # BEGIN SOLUTION", original.index(anchor))
            body = f"{original[:at]}    _ = {i}  # edit {i}\n{original[at:]}"
            started = time.perf_counter()
            module.write_text(body)
            if not selector.select(timeout=120):
                raise SystemExit("grade watch did not regrade the edit within 120 s")
            report = json.loads(process.stdout.readline())
            times.append(time.perf_counter() - started)
            assert [e["id"] for e in report["exercises"]] == ["3.4"], report
            assert report["score"] == report["max_score"], report
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait()
        process.stdout.close()
        module.write_text(original)
    return times


def main() -> None:
    """Measure and print; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = _submission(Path(scratch))
        cold_34 = [*grade_command(), "run", "3.4", "--submission", str(folder), "--seed", "1"]
        meta_op = "import torch; torch.ones(2, device='meta') * torch.ones(2, device='meta')"
        cold_all = [*grade_command(), "run", "--submission", str(folder), "--seed", "1"]
        cold, floor, everything = interleaved_medians(
            [cold_34, [sys.executable, "-c", meta_op], cold_all], args.runs
        )
        warm = statistics.median(watch_edits(folder, args.edits))
        script = CHECK_TWICE.format(root=str(ROOT), module=str(folder / "m03_broadcasting.py"))
        pairs = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                 check=True, cwd=scratch).stdout.split()  # fmt: skip
            pairs.append((float(out[0]), float(out[1])))
    first = statistics.median(p[0] for p in pairs)
    second = statistics.median(p[1] for p in pairs)
    rows = [
        ("grade watch: edit of 3.4 to report", warm, cold, "cold grade run 3.4", 0.15),
        ("check(): second call", second, first, "its first call", 0.15),
        ("cold grade, all 30 exercises", everything, floor, "import torch + meta op", 1.10),
    ]
    missed = False
    for what, value, base, base_name, target in rows:
        ratio = value / base
        missed |= ratio > target
        print(f"{what:<36}: {value:.3f} s vs {base_name} {base:.3f} s = {ratio:.2f}x "
              f"(target <= {target:.2f}x)")  # fmt: skip
    print(f"(medians: {args.edits} edits, {args.runs} runs; {sys.platform})")
    raise SystemExit(1 if missed else 0)


if __name__ == "__main__":
    main()
