"""Visible checks for module 4: reductions."""

from __future__ import annotations

import torch

from grader.checks.api import (
    CheckFailed,
    call_on_device,
    check,
    expect_close,
    expect_input_unchanged,
    expect_tensor,
    fill,
    on,
)
from grader.checks.oracles import mean64, softmax_backward

STATS_FIELDS = ("mean", "std", "min", "max")


def stats_fields(value, *, what: str) -> dict:
    """The four fields of a returned Stats, each checked to be a 0-dim tensor."""
    fields = getattr(value, "_fields", None)
    if not isinstance(value, tuple) or tuple(fields or ()) != STATS_FIELDS:
        raise CheckFailed(
            f"expected {what} to return Stats(mean, std, min, max), got {type(value).__name__}"
            + (f" with fields {fields}" if fields else "")
            + ". Return the Stats named tuple defined in the module."
        )
    return dict(zip(STATS_FIELDS, value))


def expected_stats(x: torch.Tensor, *, unbiased: bool = True) -> dict[str, torch.Tensor]:
    """The four statistics from NumPy in float64, cast back to x's dtype."""
    a = x.double().numpy()
    values = {
        "mean": a.mean(),
        "std": a.std(ddof=1 if unbiased else 0),
        "min": a.min(),
        "max": a.max(),
    }
    return {k: torch.tensor(v, dtype=torch.float64).to(x.dtype) for k, v in values.items()}


@check("4.1", kind="values", points=1)
def check_describe_seed_example(student):
    """std([0.5, 1, 3, 4]) is 1.6520 unbiased and 1.4307 biased"""
    x = torch.tensor([0.5, 1.0, 3.0, 4.0])
    for unbiased, std in ((True, 1.6520), (False, 1.4307)):
        what = f"describe([0.5, 1, 3, 4], unbiased={unbiased})"
        got = stats_fields(student(x, unbiased=unbiased), what=what)
        expect_close(
            got["std"],
            torch.tensor(std),
            atol=5e-5,
            rtol=0,
            what=f"{what}.std",
            hint="unbiased=True divides by n-1 (torch's default), False by n (NumPy's).",
        )
        expect_close(got["mean"], torch.tensor(2.125), what=f"{what}.mean")
        expect_close(got["min"], torch.tensor(0.5), what=f"{what}.min")
        expect_close(got["max"], torch.tensor(4.0), what=f"{what}.max")


@check("4.1", kind="shape", points=0.5)
def check_describe_returns_stats_of_0_dim_tensors(student, gen):
    """Returns Stats(mean, std, min, max) of 0-dim tensors in the input's dtype"""
    for dtype in (torch.float32, torch.float64):
        x = fill((3, 4), gen, dtype)
        got = stats_fields(student(x), what="describe(x)")
        expected = expected_stats(x)
        for name, value in got.items():
            expect_close(value, expected[name], rtol=1e-5, atol=1e-5, what=f"describe(x).{name}")
        for name, value in got.items():
            expect_tensor(
                value,
                shape=(),
                dtype=dtype,
                what=f"describe(x).{name}",
                hint="reduce over every element (x.mean(), not x.mean(0)).",
            )


@check("4.1", kind="device", points=0.5)
def check_describe_output_on_input_device(student, devices, gen):
    """The statistics are on the input's device"""
    x = fill((4, 5), gen)
    expected = expected_stats(x)
    for name, value in stats_fields(student(x), what="describe(x)").items():
        expect_close(value, expected[name], rtol=1e-5, atol=1e-5, what=f"describe(x).{name}")
    for device in devices.device_round:
        got = stats_fields(call_on_device(student, device, on(device, x)), what="describe(x)")
        for name, value in got.items():
            expect_tensor(value, shape=(), device=device, what=f"describe(x).{name}")


def expected_means(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The three means of image_means from a float64 oracle."""
    return mean64(x, 0), mean64(x, -1), mean64(x, (0, 1, 2))


def expect_means(out, x: torch.Tensor, *, what: str) -> None:
    """Compare image_means's three outputs against the float64 oracle."""
    if not isinstance(out, tuple) or len(out) != 3:
        raise CheckFailed(
            f"expected {what} to return a tuple of 3 tensors, got {type(out).__name__}."
        )
    atol = 1e-5 * max(1.0, float(x.abs().max())) if x.numel() else 1e-5
    names = ("batch_mean", "channel_mean", "per_channel")
    hints = ("mean over dim 0", "mean over the last dim (channels)", "mean over dims (0, 1, 2)")
    for name, hint, got, exp in zip(names, hints, out, expected_means(x)):
        expect_close(got, exp, rtol=1e-5, atol=atol, what=f"{what} {name}", hint=hint)


@check("4.2", kind="values", points=1)
def check_image_means_seed_example(student, gen):
    """The seed example: a batch of 5 images of 256x256x3"""
    x = fill((5, 256, 256, 3), gen, low=0, high=1)
    expect_means(student(x), x, what="image_means(x of shape (5, 256, 256, 3))")


@check("4.2", kind="shape", points=0.5)
def check_image_means_shapes(student, gen):
    """The shapes are (H, W, C), (B, H, W) and (C,)"""
    x = fill((2, 3, 4, 5), gen)
    out = student(x)
    if not isinstance(out, tuple) or len(out) != 3:
        raise CheckFailed(f"expected a tuple of 3 tensors, got {type(out).__name__}.")
    expect_means(out, x, what="image_means(x of shape (2, 3, 4, 5))")
    for got, shape, name in zip(
        out, ((3, 4, 5), (2, 3, 4), (5,)), ("batch_mean", "channel_mean", "per_channel")
    ):
        expect_tensor(got, shape=shape, what=f"{name} for x of shape (2, 3, 4, 5)")


@check("4.2", kind="mutation", points=0.5)
def check_image_means_leaves_input_unchanged(student, gen):
    """The input is left unchanged"""
    x = fill((2, 3, 4, 5), gen)
    reply = student.call(x)
    expect_means(reply.value, x, what="image_means(x)")
    expect_input_unchanged(reply, 0, x, name="x")


@check("4.2", kind="device", points=0.5)
def check_image_means_output_on_input_device(student, devices, gen):
    """The means are on the input's device"""
    x = fill((2, 3, 4, 5), gen)
    expect_means(student(x), x, what="image_means(x) on cpu")
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x))
        if not isinstance(out, tuple) or len(out) != 3:
            raise CheckFailed(f"expected a tuple of 3 tensors, got {type(out).__name__}.")
        for got in out:
            expect_tensor(got, device=device, what=f"image_means on '{device}'")


SOFTMAX_BANNED = {
    "banned": (
        "torch.softmax",
        "torch.nn.functional.softmax",
        "torch.log_softmax",
        "torch.nn.functional.log_softmax",
        "torch.special.softmax",
    ),
    "banned_methods": ("softmax", "log_softmax"),
    "why": "Write it with exp, a max with keepdim=True, and a sum with keepdim=True.",
}


def softmax64(x: torch.Tensor, dim: int) -> torch.Tensor:
    """The softmax oracle: float64 in the judge, cast back to x's dtype."""
    return torch.softmax(x.to(torch.float64), dim=dim).to(x.dtype)


def _softmax_small(student, gen) -> None:
    x = fill((3, 4), gen, low=-3, high=3)
    expect_close(
        student(x, dim=-1),
        softmax64(x, -1),
        rtol=1e-5,
        atol=1e-6,
        what="stable_softmax(x of shape (3, 4), dim=-1)",
    )


@check("4.3", kind="values", points=0.5)
def check_stable_softmax_small_example(student, gen):
    """A (3, 4) input along the last dim matches softmax"""
    _softmax_small(student, gen)


@check("4.3", kind="values", points=1)
def check_stable_softmax_survives_large_inputs(student):
    """Inputs of +-1000 give finite probabilities that sum to 1"""
    x = torch.tensor([[1000.0, 1000.0, -1000.0], [-1000.0, 0.0, 1000.0], [1000.0, 999.0, 998.0]])
    out = expect_tensor(
        student(x, dim=1),
        shape=(3, 3),
        dtype=torch.float32,
        what="stable_softmax(x with values of +-1000, dim=1)",
    )
    if not bool(torch.isfinite(out.data).all()):
        raise CheckFailed(
            "stable_softmax(x with values of +-1000) contains nan or inf: exp(1000) overflows. "
            "Subtract x.amax(dim, keepdim=True) before exp."
        )
    expect_close(out, softmax64(x, 1), rtol=1e-5, atol=1e-6, what="stable_softmax(large x)")


@check("4.3", kind="gradient", points=1)
def check_stable_softmax_gradient_matches(student, gen):
    """The gradient through it matches softmax's own (float64)"""
    x = fill((3, 5), gen, torch.float64)
    weights = fill((3, 5), gen, torch.float64)
    reply = student.call_backward((on("cpu", x, requires_grad=True), 1), weights)
    expected = softmax_backward(x, weights, 1)
    after = reply.inputs_after[0]
    if after is None or after.grad is None:
        raise CheckFailed(
            "no gradient reached x through stable_softmax: avoid .detach(), "
            ".item() or .data inside it."
        )
    expect_close(
        after.grad,
        expected,
        rtol=1e-7,
        atol=1e-9,
        what="the gradient of sum(w * stable_softmax(x, 1)) with respect to x",
    )


@check("4.3", kind="rules", points=0.5, requires=_softmax_small)
def check_stable_softmax_written_by_hand(student, gen):
    """Solves a small example without calling a library softmax"""
    student.expect_no_banned(**SOFTMAX_BANNED)


@check("4.3", kind="device", points=0.5, requires=_softmax_small)
def check_stable_softmax_output_on_input_device(student, devices, gen):
    """The result is on the input's device"""
    x = fill((2, 3, 4), gen)
    for device in devices.device_round:
        out = call_on_device(student, device, on(device, x), 1)
        expect_tensor(out, shape=(2, 3, 4), dtype=torch.float32, device=device)
