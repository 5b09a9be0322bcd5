"""Isolation tiers: probing, the bwrap command line, worker limits, and grading inside."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from grader import sandbox
from grader.reporters.jsonfile import SCHEMA_PATH, to_dict
from tests.conftest import ROOT, SEED, SOLUTIONS, grade

FULL = sandbox.probe("auto").tier == "full"
needs_full = pytest.mark.skipif(not FULL, reason="bubblewrap with user namespaces not available")


def test_reduced_tier_says_what_it_does_not_contain():
    reduced = sandbox.probe("reduced")
    assert reduced.tier == "reduced" and reduced.not_contained
    assert reduced.warning().startswith("isolation: reduced (")
    assert "network" in reduced.warning()


def test_unknown_or_unavailable_tiers_are_one_line_errors(monkeypatch):
    with pytest.raises(sandbox.IsolationError, match="unknown isolation"):
        sandbox.probe("paranoid")
    monkeypatch.setattr(sandbox, "_probe_bwrap", lambda: None)
    with pytest.raises(sandbox.IsolationError, match="needs bubblewrap"):
        sandbox.probe("full")
    assert sandbox.probe("auto").tier == "reduced"


def test_worker_sets_its_limits_before_student_code(tmp_path):
    limits = sandbox.Limits(cpu_s=33, file_bytes=2**20, open_files=64,
                            address_space_bytes=6 * 2**30)  # fmt: skip
    code = (
        "import resource\nfrom grader.sandbox import apply_limits\napply_limits()\n"
        "print([resource.getrlimit(r)[0] for r in (resource.RLIMIT_CPU, resource.RLIMIT_FSIZE,"
        " resource.RLIMIT_NOFILE, resource.RLIMIT_AS, resource.RLIMIT_CORE)])"
    )
    env = {"PATH": "/usr/bin:/bin", sandbox.LIMITS_ENV: limits.to_env()}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [33, 2**20, 64, 6 * 2**30, 0]


def test_runtime_holds_only_what_a_worker_runs(tmp_path):
    runtime = sandbox.make_runtime(tmp_path)
    names = sorted(p.name for p in (runtime / "grader").iterdir())
    assert names == sorted(sandbox.RUNTIME_MODULES)
    assert not (runtime / "grader" / "checks").exists()


@needs_full
def test_the_sandbox_never_mounts_the_course_folder(tmp_path):
    argv = sandbox.worker_argv(
        sandbox.probe("full"), runtime=tmp_path / "rt", readable=[tmp_path / "sub"]
    )
    mounted = {argv[i + 1] for i, a in enumerate(argv) if a in ("--ro-bind", "--bind")}
    for forbidden in (ROOT, ROOT / "solutions", ROOT / "grader", ROOT / "grader" / "checks"):
        assert str(forbidden) not in mounted
    assert "--unshare-all" in argv and "--die-with-parent" in argv and "--clearenv" in argv


@needs_full
def test_solutions_keep_full_marks_inside_the_sandbox():
    report = grade(SOLUTIONS, seed=SEED, isolation=sandbox.probe("full"))
    assert report.score == report.max_score == 100
    data = to_dict(report)
    assert data["isolation"]["tier"] == "full" and data["isolation"]["tool"] == "bubblewrap"
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))


def test_require_isolation_full_refuses_a_lower_tier(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(SOLUTIONS), "--out", str(tmp_path / "o"),
         "--isolation", "reduced", "--require-isolation", "full"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--require-isolation full" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o" / "gradebook.sqlite").exists()


def test_gpu_machines_get_a_data_limit_instead_of_address_space(monkeypatch):
    monkeypatch.setattr(sandbox, "gpu_present", lambda: True)
    limits = sandbox.probe("reduced").limits
    assert limits.cuda
    code = (
        "import resource\nfrom grader.sandbox import apply_limits\napply_limits()\n"
        "print([resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_DATA)])"
    )
    env = {"PATH": "/usr/bin:/bin", sandbox.LIMITS_ENV: limits.to_env()}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)  # fmt: skip
    address_space, data = json.loads(result.stdout)
    assert data == limits.data_bytes
    assert address_space != limits.address_space_bytes  # left as it was: CUDA needs room
