"""Hidden checks for module 8: random nests, random signals, random timing plans."""

from __future__ import annotations

import torch

from grader.checks.api import (
    check,
    expect_close,
    fill,
)
from grader.checks.m08_devices_perf import (
    expect_moved,
    expect_seconds,
    median_of_plan,
    nested_batch,
    rolling_loop,
    timed,
)


@check("8.1", kind="values", points=1)
def check_to_device_random_nests(student, gen):
    """Deeper nests and bare tensors move with their structure"""
    inner = nested_batch(gen)
    for batch in (fill((3,), gen), [inner, (inner["named"],)], {"deep": {"deeper": [inner]}}):
        expect_moved(student(batch, "meta"), batch, "meta")


@check("8.2", kind="values", points=0.5)
def check_rolling_mean_random_lengths_and_windows(student, gen):
    """Random lengths and windows (1 and N included), float32 and float64"""
    for i in range(12):
        n = int(torch.randint(1, 40, (1,), generator=gen))
        window = (1, n, int(torch.randint(1, n + 1, (1,), generator=gen)))[i % 3]
        dtype = (torch.float32, torch.float64)[i % 2]
        x = fill((n,), gen, dtype, low=-10, high=10)
        atol = 1e-5 if dtype == torch.float32 else 1e-9
        expect_close(
            student(x, window),
            rolling_loop(x, window),
            rtol=1e-5,
            atol=atol,
            what=f"rolling_mean({dtype} x of length {n}, {window})",
        )


@check("8.3", kind="values", points=0.5)
def check_time_it_returns_the_median_without_warmup(student, gen):
    """Random plans: the median of the timed runs, warm-up excluded (not the mean)"""
    for repeats, warmup in ((5, 1), (7, 3), (3, 0)):
        plan = [round(float(v), 3) + 0.001 for v in torch.rand(repeats + warmup, generator=gen)]
        plan[:warmup] = [50.0] * warmup
        plan[warmup] = 40.0  # one slow timed run: the median ignores it, the mean does not
        reply = timed(student, plan, repeats=repeats, warmup=warmup)
        expect_seconds(
            reply.value,
            median_of_plan(plan, repeats, warmup),
            what=f"time_it(fn, repeats={repeats}, warmup={warmup})",
        )
