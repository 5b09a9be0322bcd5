"""Time budgets on a quiet and on a loaded machine: how far fair answers pass, how far loops fail.

Each timed exercise is called through the grader's own runner exactly as its time check calls
it (same input sizes, same reference pass, CPU time read by the judge from the worker's kernel
clock), for vectorised answers (the solution and the unusual ones we know) and for Python loops
over elements (pixels, pairs of points, rows, windows), first on a quiet machine, then with one
spinning process per core. Prints, per answer, budget / CPU time (fair answers: the margin,
target >= 5; median of ``--repeat`` runs) or CPU time / budget (loops: the overrun, target >=
10; one run each, they take seconds). ``mid`` is an answer between the two (indexing through
``list(range(N))``): it must pass, and no budget can give it 5x while a loop fails by 10x.

    python benchmarks/bench_budgets.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.launch import launch_worker  # noqa: E402
from grader.runner import RandomArg, StudentRunner  # noqa: E402


@dataclass(frozen=True)
class Exercise:
    """A timed check's call: sizes, reference and budget (as in grader/checks)."""

    id: str
    function: str
    args: tuple
    reference: str
    times: float
    floor_s: float


EXERCISES = {
    "3.3": Exercise("3.3", "scale_channels",
                    (RandomArg((1024, 1024, 3), 1), RandomArg((3,), 2)), "sum", 100, 0.02),
    "3.4": Exercise("3.4", "scale_batch_channels",
                    (RandomArg((8, 256, 256, 3), 1), RandomArg((8, 3), 2)), "sum", 100, 0.02),
    "3.5": Exercise("3.5", "pairwise_sq_dists",
                    (RandomArg((500, 8), 1), RandomArg((500, 8), 2)), "matmul_t", 100, 0.1),
    "5.3": Exercise("5.3", "nll_loss",
                    (RandomArg((10**6, 5), 1, low=-5.0, high=0.0),
                     RandomArg((10**6,), 2, dtype=torch.int64, low=0, high=4)), "sum", 100, 0.25),
    "8.2": Exercise("8.2", "rolling_mean", (RandomArg((10**6,), 1), 100), "sum", 100, 0.5),
}  # fmt: skip

FAIR_EXPRESSIONS = {
    # label: (exercise, what the function returns, with its two arguments named a and b)
    "3.3 solution (img * scale)": ("3.3", "a * b"),
    "3.3 reshape to (1, 1, C)": ("3.3", "a * b.reshape(1, 1, -1)"),
    "3.4 solution (broadcast)": ("3.4", "a * b[:, None, None, :]"),
    "3.4 einsum": ("3.4", "torch.einsum('bhwc,bc->bhwc', a, b)"),
    "3.5 solution (|x|^2 + |y|^2 - 2xy)": (
        "3.5", "((a * a).sum(1, keepdim=True) + (b * b).sum(1) - 2 * (a @ b.T)).clamp(min=0)"
    ),
    "3.5 broadcast difference": ("3.5", "((a[:, None] - b[None]) ** 2).sum(-1)"),
    "5.3 solution (gather)": ("5.3", "-a.gather(1, b[:, None]).mean()"),
    "5.3 arange indexing": ("5.3", "-a[torch.arange(a.shape[0]), b].mean()"),
    "8.2 solution (unfold)": ("8.2", "a.unfold(0, b, 1).mean(1)"),
    "8.2 F.avg_pool1d": ("8.2", "F.avg_pool1d(a[None, None], b, stride=1)[0, 0]"),
    "8.2 F.conv1d": ("8.2", "F.conv1d(a[None, None], torch.full((1, 1, b), 1.0 / b))[0, 0]"),
}  # fmt: skip
BETWEEN_EXPRESSIONS = {
    # Vectorised indexing, but through one Python int per row: 26x cheaper than a loop over rows,
    # so no budget gives it 5x and the loop 10x (see the README).
    "5.3 list(range(N)) indexing": ("5.3", "-a[list(range(a.shape[0])), b].mean()"),
}


def _sources(expressions: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {
        label: (
            exercise,
            "import torch\nimport torch.nn.functional as F\n\n\n"
            f"def {EXERCISES[exercise].function}(a, b):\n    return {expression}\n",
        )
        for label, (exercise, expression) in expressions.items()
    }


FAIR = _sources(FAIR_EXPRESSIONS)
BETWEEN = _sources(BETWEEN_EXPRESSIONS)

LOOPS = {
    "3.3 loop over pixels": ("3.3", """import torch

def scale_channels(img, scale):
    flat = img.reshape(-1, img.shape[-1])
    out = torch.empty(flat.shape, dtype=torch.result_type(img, scale))
    for i in range(flat.shape[0]):
        out[i] = flat[i] * scale
    return out.reshape(img.shape)
"""),
    "3.4 loop over pixels": ("3.4", """import torch

def scale_batch_channels(imgs, scales):
    out = torch.empty_like(imgs)
    for b in range(imgs.shape[0]):
        flat, into = imgs[b].reshape(-1, imgs.shape[-1]), out[b].view(-1, imgs.shape[-1])
        for i in range(flat.shape[0]):
            into[i] = flat[i] * scales[b]
    return out
"""),
    "3.5 loop over pairs of points": ("3.5", """import torch

def pairwise_sq_dists(x, y):
    out = torch.empty(x.shape[0], y.shape[0])
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = ((x[i] - y[j]) ** 2).sum()
    return out
"""),
    "5.3 loop over rows": ("5.3", """import torch

def nll_loss(lp, t):
    total = 0.0
    for i in range(lp.shape[0]):
        total -= lp[i, t[i]]
    return total / lp.shape[0]
"""),
    "8.2 loop over windows": ("8.2", """import torch

def rolling_mean(x, w):
    return torch.stack([x[i : i + w].mean() for i in range(x.shape[0] - w + 1)])
"""),
}  # fmt: skip
"""Python loops over elements, the thing time budgets are there to catch (a loop over rows
or chunks is vectorised within each step; the no-loops rule catches those)."""

MODULE_OF = {"3": "m03_broadcasting", "5": "m05_indexing", "8": "m08_devices_perf"}


def measure(runner: StudentRunner, folder: Path, label: str, exercise: Exercise, source: str):
    """Budget and CPU time of one timed call, as its check would see them."""
    path = folder / f"{MODULE_OF[exercise.id[0]]}.py"
    path.write_text(source)
    reply = runner.call(
        f"bench-{label}", path, exercise.function, exercise.args,
        options={"time_reference": exercise.reference, "values": False}, timeout_s=600,
    )  # fmt: skip
    assert reply.cpu is not None, "no outside CPU clock on this platform"
    budget = exercise.times * reply.cpu.reference_s + exercise.floor_s
    return budget, reply.cpu.call_s


def run_all(repeat: int) -> dict[tuple[str, str], list[float]]:
    """label -> ratios (fair: budget / call; loop: call / budget), one per repetition."""
    ratios: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, answers in (("fair", FAIR), ("mid", BETWEEN), ("loop", LOOPS)):
            for label, (exercise_id, source) in answers.items():
                folder = Path(tmp) / label.replace(" ", "_").replace("/", "_")
                folder.mkdir()
                runner = StudentRunner(timeout_s=600, launcher=launch_worker)
                try:
                    for _ in range(repeat if kind == "fair" else 1):  # loops take seconds
                        budget, call = measure(
                            runner, folder, label, EXERCISES[exercise_id], source
                        )
                        ratio = call / budget if kind == "loop" else budget / call
                        ratios.setdefault((kind, label), []).append(ratio)
                finally:
                    runner.close()
    return ratios


def main() -> None:
    """Measure quiet, then loaded, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    quiet = run_all(args.repeat)
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        loaded = run_all(args.repeat)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    print(f"{os.cpu_count()} cores, torch {torch.__version__}, medians of {args.repeat} runs")
    print(f"{'answer':44s} {'quiet':>8s} {'loaded':>8s}  (fair, mid: budget/CPU; loop: CPU/budget)")
    worst = {"fair": float("inf"), "mid": float("inf"), "loop": float("inf")}
    for key in quiet:
        kind, label = key
        q, l_ = statistics.median(quiet[key]), statistics.median(loaded[key])
        worst[kind] = min(worst[kind], q, l_)
        print(f"{kind:4s} {label:39s} {q:7.1f}x {l_:7.1f}x")
    print(f"smallest fair margin {worst['fair']:.1f}x (target >= 5x); "
          f"smallest loop overrun {worst['loop']:.1f}x (target >= 10x); "
          f"in between (passes, no target): {worst['mid']:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
