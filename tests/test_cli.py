"""The grade command: in-process through CliRunner, plus one real run of the installed script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from grader import sandbox
from grader.catalog import CATALOG
from grader.cli import cli
from grader.reporters.jsonfile import SCHEMA_PATH
from tests.conftest import ROOT, SOLUTIONS, STUBS

SCHEMA = json.loads(SCHEMA_PATH.read_text())
TOTAL = sum(e.points for e in CATALOG)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_grade_on_stubs_prints_a_zero_table_and_exits_0():
    result = invoke("--submission", str(STUBS), "--seed", "3")
    assert result.exit_code == 0
    assert f"Score: 0/{TOTAL:g}" in result.output
    assert "not attempted" in result.output
    assert f"grade run --submission {STUBS} --seed 3)" in result.output  # the same run again
    assert "all tests passed" not in result.output.lower()


def test_json_format_validates_against_the_schema(tmp_path):
    out = tmp_path / "report.json"
    result = invoke(
        "run",
        "3.4",
        "1.2",
        "--submission",
        str(SOLUTIONS),
        "--format",
        "json",
        "--seed",
        "5",
        "--json",
        str(out),
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    jsonschema.validate(data, SCHEMA)
    assert data == json.loads(out.read_text())
    assert data["score"] == data["max_score"] == 6
    assert data["seed"] == 5
    assert [e["id"] for e in data["exercises"]] == ["1.2", "3.4"]


def test_gradescope_format(tmp_path):
    result = invoke("run", "5.1", "--submission", str(STUBS), "--format", "gradescope")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["score"] == 0 and isinstance(data["execution_time"], int)
    assert {t["visibility"] for t in data["tests"]} == {"visible", "after_published"}
    assert all(
        set(t) >= {"name", "number", "score", "max_score", "status", "output"}
        for t in data["tests"]
    )


def test_fail_under_exits_1_when_not_met():
    assert invoke("run", "1.2", "--submission", str(STUBS), "--fail-under", "50").exit_code == 1
    assert (
        invoke("run", "1.2", "--submission", str(SOLUTIONS), "--fail-under", "100").exit_code == 0
    )


@pytest.mark.parametrize(
    "args",
    [
        ["run", "9.9"],
        ["--submission", "does-not-exist"],
        ["--device", "tpu"],
        ["--timeout", "0"],
        ["--fail-under", "150"],
    ],
)
def test_bad_usage_exits_2(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_list_shows_points_and_status(tmp_path):
    result = invoke("list", "--submission", str(STUBS))
    assert result.exit_code == 0
    assert "broadcast_shapes" in result.output and "not started" in result.output
    assert f"{TOTAL:g} points" in result.output


def test_the_installed_grade_command_runs_end_to_end():
    exe = shutil.which("grade", path=str(__import__("pathlib").Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "grader"]
    done = subprocess.run(
        [*command, "--submission", str(STUBS), "--seed", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"Score: 0/{TOTAL:g}" in done.stdout
    bad = subprocess.run(
        [*command, "run", "9.9"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "unknown exercise '9.9'" in bad.stderr


def test_validate_reports_each_proof_and_fails_on_thin_mutant_coverage(tmp_path):
    mutants = tmp_path / "mutants"
    mutants.mkdir()
    source = (ROOT / "tests" / "mutants" / "m03_scale_batch_in_place.py").read_text()
    (mutants / "m03_scale_batch_in_place.py").write_text(source)
    result = CliRunner().invoke(
        cli,
        [
            "validate",
            "--solutions",
            str(SOLUTIONS),
            "--stubs",
            str(STUBS),
            "--mutants",
            str(mutants),
        ],
    )
    assert f"[ok  ] solutions: {TOTAL:g}/{TOTAL:g}" in result.output
    assert f"[ok  ] stubs: 0/{TOTAL:g}" in result.output
    assert "[ok  ] m03_scale_batch_in_place.py" in result.output
    assert "[FAIL] mutant coverage" in result.output
    assert result.exit_code == 1


def test_a_missing_module_is_missing_and_a_misnamed_one_is_named(tmp_path):
    import shutil as _shutil

    folder = tmp_path / "s"
    folder.mkdir()
    _shutil.copy(ROOT / "solutions" / "m01_creation.py", folder)
    (folder / "broadcasting.py").write_text("import torch\n")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "run", "1.1", "3.4", "--submission", str(folder),
         "--seed", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "broadcasting.py is not an exercise module" in done.stderr
    assert "missing (no such file)" in done.stdout
    assert f"Missing: 3.4 (no m03_broadcasting.py in {folder})" in done.stdout
    assert "Not attempted" not in done.stdout


def test_a_module_number_or_a_function_name_selects_exercises():
    from grader.catalog import select

    assert [e.id for e in select(["3"])] == ["3.1", "3.2", "3.3", "3.4", "3.5"]
    assert [e.id for e in select(["scale_channels", "1.2"])] == ["1.2", "3.3"]
    assert [e.id for e in select(["zero_diagonal_"])] == ["2.2"]
    with pytest.raises(KeyError, match="did you mean scale_channels"):
        select(["scale_chanels"])


def test_friendly_errors_before_anything_slow_and_a_rerun_hint_with_the_same_selection(
    tmp_path,
):
    def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "grader", "run", *args], capture_output=True, text=True,
            cwd=cwd, timeout=300,
        )  # fmt: skip

    nowhere = run(cwd=tmp_path)
    assert nowhere.returncode == 2 and "cd there first" in nowhere.stderr
    assert "--submission PATH" in nowhere.stderr
    if not sandbox.gpu_present():
        started = time.perf_counter()
        cuda = run("--device", "cuda", cwd=tmp_path)
        assert cuda.returncode == 2 and "no NVIDIA GPU" in cuda.stderr
        assert time.perf_counter() - started < 5  # no torch import before saying so
    done = run("3.3", "scale_batch_channels", "--submission", "solutions", "--seed", "5")
    assert done.returncode == 0, done.stderr
    assert "(to rerun the same inputs: grade run 3.3 3.4 --submission solutions --seed 5)" in (
        done.stdout
    )
