"""What grading one submission cannot cost less than, with today's checks: the floors behind the
batch-vs-`grade run` figures of `bench_batch.py --versus-run` (README, Performance).

Usage: python benchmarks/bench_floors.py [--repeat 5] [--calls 300]

Prints, each a median:
1. a warm judge grading the solutions (all 30 exercises, 150 checks), at the tier `auto` gives,
   and the part of it spent in the five time checks;
2. pytest itself: as many empty tests as there are checks, run with the judge's own arguments;
3. one worker call through the judge's runner, with nothing to carry and with a small tensor
   each way, and how many calls grading the solutions makes.
Then the CPU per submission a batch on two cores may spend for 25x one cold `grade run` each
(a cold run of the solutions is timed too), against the sum of the floors.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from benchmarks.bench_grade import grade_command  # noqa: E402
from grader import judge, sandbox  # noqa: E402
from grader.batch.server import Judge, handle  # noqa: E402
from grader.runner import StudentRunner  # noqa: E402

ECHO = "def nothing():\n    return None\n\n\ndef echo(x):\n    return x\n"


def _median_s(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pytest_floor(checks: int, repeat: int, work: Path) -> float:
    """pytest.main on ``checks`` empty tests, with the judge's arguments (plugins off)."""
    folder = work / "empty"
    folder.mkdir()
    (folder / "test_empty.py").write_text(
        "".join(f"def test_{i}():\n    pass\n\n\n" for i in range(checks))
    )
    args = [str(folder / "test_empty.py"), "--rootdir", str(folder), "--noconftest", "-q",
            "-p", "no:cacheprovider", "-p", "pytest_jsonreport.plugin", "--json-report-file=none",
            "--capture=no", "--tb=no", "--assert=plain", "-p", "no:unraisableexception",
            "-p", "no:threadexception", "-p", "no:logging",
            *(a for name in judge.UNUSED_PYTEST_PLUGINS for a in ("-p", f"no:{name}"))]  # fmt: skip

    def once() -> None:
        import pytest
        from pytest_jsonreport.plugin import JSONReport

        with judge._isolated_pytest_env(), contextlib.redirect_stdout(io.StringIO()):
            pytest.main(args, plugins=[JSONReport()])

    once()
    return _median_s(once, repeat)


def main() -> None:
    """Measure and print the floors."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    torch.set_num_threads(1)
    isolation = sandbox.probe("auto")
    with tempfile.TemporaryDirectory(prefix="bench-floors-") as tmp:
        work = Path(tmp)
        home = work / "judge"
        home.mkdir()
        warm = Judge(home, isolation)
        try:
            job = {"id": "s", "path": str(ROOT / "solutions"), "seed": 0, "timeout_s": 10.0}
            handle(job, warm)  # (the first grading warms the judge up)
            reports = [handle(job, warm)["report"] for _ in range(args.repeat)]
            report = reports[0]
            graded = statistics.median(r["duration_s"] for r in reports)
            checks = [c for e in report["exercises"] for c in e["checks"]]
            timed = statistics.median(
                sum(
                    c["duration_s"]
                    for e in r["exercises"]
                    for c in e["checks"]
                    if c["kind"] == "time"
                )
                for r in reports
            )

            module = work / "calls" / "m01_creation.py"
            module.parent.mkdir()
            module.write_text(ECHO)
            path = Path(warm.prepare(module.parent)) / module.name
            runner = StudentRunner(timeout_s=10, launcher=warm.launcher)
            small = torch.rand(3, 4)
            runner.call("1.1", path, "nothing")
            bare = _median_s(lambda: runner.call("1.1", path, "nothing"), args.calls)
            carrying = _median_s(
                lambda: runner.call("1.1", path, "echo", (small,), return_inputs=False), args.calls
            )
            runner.close()
            solutions_runner_calls = _calls_to_grade(warm, job)
        finally:
            warm.close()
        empty = _pytest_floor(len(checks), args.repeat, work)
    cold = _median_s(
        lambda: subprocess.run([*grade_command(), "run", "--submission", str(ROOT / "solutions"),
                                "--seed", "0"], cwd=ROOT, stdout=subprocess.DEVNULL, check=True),
        3,
    )  # fmt: skip
    floor = timed + empty + solutions_runner_calls * bare  # (as if no call carried anything)
    allowed = 2 * cold / 25
    print(f"tier {isolation.tier}; {len(checks)} checks over {len(report['exercises'])} exercises")
    print(f"warm judge, the solutions      : {graded:.3f} s (median of {args.repeat})")
    print(f"  of which the five time checks: {timed:.3f} s")
    print(f"pytest, {len(checks)} empty tests        : {empty:.3f} s")
    print(f"one worker call, nothing carried: {bare * 1000:.3f} ms; a small tensor each way: "
          f"{carrying * 1000:.3f} ms (medians of {args.calls})")  # fmt: skip
    print(f"worker calls to grade the solutions: {solutions_runner_calls}")
    print(f"cold `grade run` of the solutions: {cold:.2f} s (median of 3)")
    print(
        f"25x on 2 cores allows {allowed:.3f} s of CPU per submission; the floors above add up "
        f"to {floor:.3f} s (time checks + pytest + calls x {bare * 1000:.2f} ms, as if none "
        "carried a tensor)"
    )


def _calls_to_grade(warm: Judge, job: dict) -> int:
    """How many worker calls grading ``job`` makes (counted on the runner the judge builds)."""
    counted: list[StudentRunner] = []
    original = StudentRunner.__init__

    def counting(self: StudentRunner, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        counted.append(self)

    StudentRunner.__init__ = counting  # type: ignore[method-assign]
    try:
        handle(job, warm)
    finally:
        StudentRunner.__init__ = original  # type: ignore[method-assign]
    return sum(runner._next_id for runner in counted)


if __name__ == "__main__":
    main()
