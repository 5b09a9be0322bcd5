"""The naive baseline of bench_batch.py: the same checks, one fresh `python -m pytest` each.

Used as ``python -m pytest grader/checks -p benchmarks.naive_plugin --submission DIR`` (plus
the judge's ini and isolation flags): a new interpreter per submission that imports torch,
starts a worker (which imports torch too) and runs the checks, as a hand-rolled pytest folder
would.
"""

from __future__ import annotations

from typing import Any

import pytest

_RUNNER: Any = None


def pytest_addoption(parser: pytest.Parser) -> None:
    """The submission to grade, the seed and the exercises."""
    parser.addoption("--submission", required=True)
    parser.addoption("--seed", type=int, default=0)
    parser.addoption("--only", action="append", default=[])
    parser.addoption("--call-timeout", type=float, default=10.0)


def pytest_configure(config: pytest.Config) -> None:
    """Register the grader's own plugin with a context for this submission."""
    global _RUNNER
    from grader.catalog import select
    from grader.judge import resolve_devices
    from grader.plugin import GraderPlugin, GradingContext
    from grader.runner import StudentRunner
    from grader.submission import find_submission

    _RUNNER = StudentRunner(timeout_s=config.getoption("--call-timeout"))
    context = GradingContext(
        submission=find_submission(config.getoption("--submission")),
        runner=_RUNNER,
        seed=config.getoption("--seed"),
        devices=resolve_devices("auto"),
        exercises=select(config.getoption("--only")),
    )
    from pytest_jsonreport.plugin import JSONReport

    # The grader's plugin reports through pytest-json-report's hook, as in the judge.
    config.pluginmanager.register(JSONReport(config), "tensorgrade-naive-json")
    config.pluginmanager.register(GraderPlugin(context), "tensorgrade-naive")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the worker."""
    if _RUNNER is not None:
        _RUNNER.close()
