"""`grade batch` throughput against the naive baseline, measured in the same run.

Usage: python benchmarks/bench_batch.py [--count 100] [--jobs 2] [--naive-sample 12] [--full 20]
       python benchmarks/bench_batch.py --dask [--count 100] [--jobs 2] [--large 2000]
       python benchmarks/bench_batch.py --versus-run [--jobs 2] [--runs-sample 27]

1. Writes --count synthetic submissions (solutions, stubs, mutants, one that hangs, one that
   crashes; benchmarks/synthetic.py).
2. Times `grade batch` on them for the 9-exercise spine: submissions per second, including the
   judges' start-up, and the peak memory of the whole process tree
   (PSS: shared pages split among the processes that share them).
3. Times the naive baseline on an evenly spaced sample of the same submissions: one fresh
   `python -m pytest` per submission, one after another, with the same checks, seed and call
   timeout (benchmarks/naive_plugin.py). The sample misses the hang and the crash, which favours
   the baseline.
4. Where bubblewrap works, runs the batch at both isolation tiers, interleaved --repeat times,
   and prints the sandbox's cost (medians). After every run it reads the tier each stored
   report recorded and stops if any differs from the one asked for: the comparison is
   honest (an earlier version compared reduced with reduced).
5. With --full N, times `grade batch` on N submissions for the whole curriculum too.
Targets (2 cores): spine >= 5 submissions/s and >= 10x the naive baseline (issue "3/6");
the full tier costs < 5% of throughput (issue "4/6").

With --versus-run (issue "7/7", item 7): a class of 27 mixed submissions (solutions, stubs,
mutants, one that hangs, one that crashes, two of them zipped) over all 30 exercises, graded by
`grade batch --jobs N` and by one `grade run` per submission, in the same run (targets: batch
>= 10x); then a class of 200 against `grade run` on an evenly spaced sample of it (>= 25x).
It also prints each class's ceiling: the ratio if grading cost nothing, when the batch would
still take its fixed cost (a batch of one stub) plus the hung submission's call timeout.

With --dask (issue "7/7 Past one machine"): the same class through the local pool (--jobs N) and
through `--dask local:N`, interleaved --repeat times: Dask's overhead (target <= 15%); then
--large submissions of two exercises through Dask, sampling the `grade batch` process's own
memory (RSS: the client) and the grading rate in each quarter of the run (flat and steady).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_grade import SPINE, grade_command  # noqa: E402
from benchmarks.synthetic import make_class  # noqa: E402
from grader import sandbox  # noqa: E402

CALL_TIMEOUT_S = 2.0
DEFAULT_TIMEOUT_S = 10.0
"""`grade`'s own default call timeout: what the issue's figures were measured with."""


def _pss_bytes(pid: int) -> int:
    """Proportional set size: resident memory with shared pages split among their users, so
    a zygote's forked workers are not counted as full copies."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_memory_bytes(root_pid: int) -> int:
    """PSS of a process and all its descendants (Linux /proc; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += _pss_bytes(pid)
        stack.extend(children.get(pid, []))
    return total


def timed_with_peak_rss(command: list[str]) -> tuple[float, int]:
    """Wall time of `command` and the peak memory (PSS) of its process tree, sampled every 0.5 s."""
    peak = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory_bytes(process.pid))
            done.wait(0.5)  # reading smaps is not free: sample sparingly

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited with {code}")
    return elapsed, peak


def naive_seconds(submission: Path, exercises: tuple[str, ...]) -> float:
    """One fresh pytest process grading one submission with the judge's checks."""
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    command = [
        sys.executable, "-m", "pytest", "grader/checks",
        "-c", "grader/checks/pytest.ini", "--rootdir", "grader/checks", "--noconftest",
        "-p", "no:cacheprovider", "-p", "pytest_jsonreport.plugin",
        "-p", "benchmarks.naive_plugin", "--json-report-file=none", "-q", "--tb=no",
        "--submission", str(submission), "--seed", "0",
        "--call-timeout", str(CALL_TIMEOUT_S),
        *(f"--only={e}" for e in exercises),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def recorded_tiers(out: Path) -> set[str]:
    """The tiers the gradebook's reports say their workers ran at."""
    import sqlite3

    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return {tier for (tier,) in db.execute("SELECT DISTINCT tier FROM submissions")}


def batch_command(
    folder: Path,
    out: Path,
    jobs: int,
    exercises: tuple[str, ...],
    isolation: str,
    timeout_s: float = CALL_TIMEOUT_S,
) -> list[str]:
    """`grade batch` on `folder` with the benchmark's settings."""
    only = [arg for e in exercises for arg in ("--only", e)]
    return [
        *grade_command(), "batch", str(folder), "--out", str(out), "--jobs", str(jobs),
        "--timeout", str(timeout_s), "--seed", "0", "--isolation", isolation, *only,
    ]  # fmt: skip


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _graded(out: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(out / "gradebook.sqlite") as db:
            return int(db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    except sqlite3.Error:
        return 0


def _zip_two(folder: Path) -> None:
    """Zip two of the class's folders, as students upload them."""
    for student in sorted(p for p in folder.iterdir() if p.is_dir())[3:5]:
        shutil.make_archive(str(student), "zip", student)
        shutil.rmtree(student)


def _run_seconds(submission: Path, work: Path) -> float:
    """One cold `grade run` of every exercise (a zip is unpacked first, as a student would)."""
    if submission.suffix == ".zip":
        target = work / f"unzipped-{submission.stem}"
        shutil.unpack_archive(submission, target)
        submission = target
    started = time.perf_counter()
    subprocess.run(
        [*grade_command(), "run", "--submission", str(submission), "--seed", "0", "--timeout",
         str(DEFAULT_TIMEOUT_S)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    return time.perf_counter() - started


def versus_run_main(args: argparse.Namespace) -> None:
    """`grade batch` against one `grade run` per submission, whole curriculum."""
    work = Path(tempfile.mkdtemp(prefix="bench-versus-"))
    try:
        tier = sandbox.probe("auto").tier
        # The batch's fixed cost: start-up, intake, one stub graded, exports and report.
        lone = work / "lone"
        shutil.copytree(
            ROOT / "exercises", lone / "student000", ignore=shutil.ignore_patterns("__pycache__")
        )
        fixed_s = statistics.median(
            timed_with_peak_rss(batch_command(lone, work / f"lone-out{i}", args.jobs, (), tier,
                                              DEFAULT_TIMEOUT_S))[0]
            for i in range(3)
        )  # fmt: skip
        print(f"grade batch of one stub (start-up, intake, exports): {fixed_s:.1f} s")
        for count, target in ((27, 10.0), (200, 25.0)):
            folder = work / f"class{count}"
            make_class(folder, count)
            _zip_two(folder)
            batch_s = timed_with_peak_rss(
                batch_command(folder, work / f"out{count}", args.jobs, (), tier, DEFAULT_TIMEOUT_S)
            )[0]
            entries = sorted(folder.iterdir())
            step = max(1, len(entries) // args.runs_sample)
            sample = entries[::step][: args.runs_sample]
            runs = [_run_seconds(entry, work) for entry in sample]
            per_run = sum(runs) / len(runs)
            ratio = per_run * count / batch_s
            # However cheap grading became, the batch cannot end before its fixed cost plus the
            # hung submission's call timeout (it spins a core for all of it).
            ceiling = per_run * count / (fixed_s + DEFAULT_TIMEOUT_S)
            print(f"class of {count:>3}, all exercises ({tier}): grade batch --jobs {args.jobs} "
                  f"{batch_s:.1f} s; one grade run per submission {per_run:.2f} s each "
                  f"({len(runs)} timed) = {per_run * count:.1f} s; ratio {ratio:.1f}x "
                  f"(target >= {target:g}x)")  # fmt: skip
            print(f"  the target needs the batch within {per_run * count / target:.1f} s; with "
                  f"grading free it would still take {fixed_s:.1f} s + the hang's "
                  f"{DEFAULT_TIMEOUT_S:g} s: ceiling {ceiling:.1f}x")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _running_cluster(work: Path, workers: int) -> Iterator[str]:
    """A `dask scheduler` and `workers` `dask worker` processes on 127.0.0.1; the address."""
    import json
    import signal

    dask = str(Path(sys.executable).parent / "dask")
    file = work / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
             "start_new_session": True}  # fmt: skip
    processes = [
        subprocess.Popen(
            [
                dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(file),
            ],
            **quiet,
        )
    ]
    try:
        while not file.exists():
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        timers = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
                  "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s"}  # (as the README's recipe)
        processes += [
            subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"],
                             cwd=ROOT, env={**os.environ, **timers}, **quiet)
            for _ in range(workers)
        ]  # fmt: skip
        from distributed import Client

        with Client(address) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def dask_main(args: argparse.Namespace) -> None:
    """Local pool against a local Dask cluster of as many workers; then a large class."""
    work = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    try:
        folder = work / "class"
        make_class(folder, args.count, hang=False, crash=False)
        tier = sandbox.probe("auto").tier
        local: list[float] = []
        dask: list[float] = []
        for i in range(args.repeat):
            out = work / f"local-{i}"
            local.append(timed_with_peak_rss(batch_command(folder, out, args.jobs, SPINE, tier))[0])
            out = work / f"dask-{i}"
            command = [*batch_command(folder, out, args.jobs, SPINE, tier),
                       "--dask", f"local:{args.jobs}"]  # fmt: skip
            dask.append(timed_with_peak_rss(command)[0])
            if recorded_tiers(out) != {tier}:
                raise SystemExit(f"asked for {tier}, the gradebook says {recorded_tiers(out)}")
        # The README's "by hand" recipe: a scheduler and workers already running (started
        # outside the timing, as an instructor's cluster is); the batch still starts its judges.
        running: list[float] = []
        with _running_cluster(work, args.jobs) as address:
            for i in range(args.repeat):
                out = work / f"running-{i}"
                command = [*batch_command(folder, out, args.jobs, SPINE, tier),
                           "--dask", address]  # fmt: skip
                running.append(timed_with_peak_rss(command)[0])
        lo, da = statistics.median(local), statistics.median(dask)
        ru = statistics.median(running)
        overhead = (da - lo) / lo
        print(f"cores available            : {len(os.sched_getaffinity(0))}, workers {args.jobs}")
        print(f"local pool, spine ({tier})   : {args.count} submissions, {lo:.2f} s "
              f"(median of {args.repeat})")  # fmt: skip
        print(f"dask local:{args.jobs}, spine        : {da:.2f} s = {100 * overhead:+.1f}% "
              "(target <= +15%; includes starting the cluster)")  # fmt: skip
        print(f"dask, cluster already up   : {ru:.2f} s = {100 * (ru - lo) / lo:+.1f}% "
              f"({args.jobs} `dask worker` processes started before the timing)")  # fmt: skip
        large = work / "large"
        make_class(large, args.large, hang=False, crash=False)
        out = work / "large-out"
        command = [*batch_command(large, out, args.jobs, ("1.1", "1.2"), tier),
                   "--dask", f"local:{args.jobs}"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        samples: list[tuple[float, int, int]] = []  # (seconds, graded, client RSS)
        started = time.perf_counter()
        while process.poll() is None:
            samples.append((time.perf_counter() - started, _graded(out), _rss_bytes(process.pid)))
            time.sleep(1.0)
        if process.returncode != 0:
            raise SystemExit(f"the large batch exited with {process.returncode}")
        total = time.perf_counter() - started
        print(f"dask, {args.large} submissions x 2 exercises: {total:.1f} s = "
              f"{args.large / total:.1f} submissions/s")  # fmt: skip
        marks = [q * args.large // 4 for q in (1, 2, 3, 4)]
        previous_t, previous_n = None, 0
        for mark in marks:
            at = next((x for x in samples if x[1] >= mark), samples[-1])
            if previous_t is not None and at[0] > previous_t:
                rate = (at[1] - previous_n) / (at[0] - previous_t)
                print(f"  up to {mark:>5} graded: client RSS {at[2] / 2**20:6.0f} MiB, "
                      f"rate in this quarter {rate:5.1f}/s")  # fmt: skip
            else:
                print(f"  up to {mark:>5} graded: client RSS {at[2] / 2**20:6.0f} MiB")
            previous_t, previous_n = at[0], at[1]
        raise SystemExit(1 if overhead > 0.15 else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Measure, print the figures, exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--naive-sample", type=int, default=12)
    parser.add_argument("--full", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="Dask against the local pool")
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--versus-run", action="store_true", help="batch vs grade run each")
    parser.add_argument("--runs-sample", type=int, default=27)
    args = parser.parse_args()
    if args.versus_run:
        versus_run_main(args)
        return
    if args.dask:
        dask_main(args)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        folder = work / "class"
        make_class(folder, args.count)
        tier = sandbox.probe("auto").tier
        # Both tiers, interleaved (full, reduced, full, ...): the sandbox's cost in one run.
        names = ("full", "reduced") if tier == "full" else ("reduced",)
        runs: dict[str, list[float]] = {name: [] for name in names}
        peaks: dict[str, int] = {}
        for i in range(args.repeat):
            for name in names:
                out = work / f"out-{name}-{i}"
                seconds_, peak_ = timed_with_peak_rss(
                    batch_command(folder, out, args.jobs, SPINE, name)
                )
                if recorded_tiers(out) != {name}:
                    raise SystemExit(f"asked for {name}, the gradebook says {recorded_tiers(out)}")
                runs[name].append(seconds_)
                peaks[name] = max(peaks.get(name, 0), peak_)
        elapsed = statistics.median(runs[tier])
        peak = peaks[tier]
        rate = args.count / elapsed
        students = sorted(p for p in folder.iterdir())
        step = max(1, len(students) // max(1, args.naive_sample))
        sample = [s for s in students[::step] if s.name not in ("student001", "student002")]
        sample = sample[: args.naive_sample]
        naive = [naive_seconds(s, SPINE) for s in sample]
        naive_rate = len(naive) / sum(naive)
        ratio = rate / naive_rate
        print(f"cores available            : {len(os.sched_getaffinity(0))}, --jobs {args.jobs}")
        print(
            f"grade batch, spine ({tier:7}): {args.count} submissions in {elapsed:.2f} s = "
            f"{rate:.2f} submissions/s (target >= 5)"
        )
        print(f"  peak memory (PSS), tree   : {peak / 2**20:.0f} MiB")
        print(
            f"naive pytest per submission: {len(naive)} in {sum(naive):.2f} s = "
            f"{naive_rate:.2f} submissions/s (median {sorted(naive)[len(naive) // 2]:.2f} s each)"
        )
        print(f"ratio batch / naive        : {ratio:.1f}x (target >= 10x)")
        overhead = None
        if "full" in runs:
            full_s, reduced_s = statistics.median(runs["full"]), statistics.median(runs["reduced"])
            overhead = (full_s - reduced_s) / reduced_s
            print(
                f"isolation full vs reduced  : {full_s:.2f} s vs {reduced_s:.2f} s "
                f"(medians of {args.repeat}) = {100 * overhead:+.1f}% time (target < 5%)"
            )
        else:
            print("isolation                  : reduced only (no bubblewrap here)")
        if args.full:
            full_folder = work / "full"
            make_class(full_folder, args.full)
            full_elapsed, full_peak = timed_with_peak_rss(
                batch_command(full_folder, work / "out-full", args.jobs, (), tier)
            )
            print(
                f"grade batch, all 30       : {args.full} submissions in {full_elapsed:.2f} s = "
                f"{args.full / full_elapsed:.2f} submissions/s, "
                f"peak PSS {full_peak / 2**20:.0f} MiB"
            )
        ok = rate >= 5 and ratio >= 10 and (overhead is None or overhead < 0.05)
        print("targets met" if ok else "TARGET MISSED")
        raise SystemExit(0 if ok else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
