"""`grade release`: the student bundle holds no solution and no hidden check, its wheel installs
a working `grade` and `grade init`, and its `grade` says what it does not grade."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.stubgen import solution_lines
from tests.conftest import ROOT, SOLUTIONS

pytestmark = pytest.mark.slow
GRADER = ROOT / "grader"


GENERIC = {
    # Solution lines that any code writes: the grader and its visible checks have them too.
    "out = x.clone()",
    "return batch",
    "cuda = torch.cuda.is_available()",
}


def secret_lines() -> set[str]:
    """Every solution line, and every hidden-check line that no shipped file also has."""
    secrets = set()
    for solution in SOLUTIONS.glob("m*.py"):
        lines = solution_lines(solution.read_text())
        secrets |= {line for line in lines if len(line) >= 12 and line not in GENERIC}
    shipped = set()
    for path in GRADER.rglob("*.py"):
        if "hidden" not in path.parts:
            shipped |= {line.strip() for line in path.read_text().splitlines()}
    for path in (GRADER / "checks" / "hidden").glob("m*.py"):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 20 and line not in shipped:
                secrets.add(line)
    return secrets


def texts(folder: Path):
    """(name, text) of every file in ``folder`` and of every file inside its archives."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if path.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{name}!{member}", archive.read(member).decode("utf-8", "replace")
        elif path.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile():
                        data = archive.extractfile(member).read()  # type: ignore[union-attr]
                        yield f"{name}!{member.name}", data.decode("utf-8", "replace")
        else:
            yield name, path.read_bytes().decode("utf-8", "replace")


def leaks(folder: Path, secrets: set[str]) -> list[str]:
    """Files under ``folder`` (archives opened) that hold a secret line, or a forbidden path."""
    found = []
    for name, text in texts(folder):
        if any(part in name for part in ("hidden/", "solutions/", "mutants/", "tests/")):
            found.append(f"{name}: shipped at all")
        lines = {line.strip() for line in text.splitlines()}
        hits = lines & secrets
        if hits:
            found.append(f"{name}: {sorted(hits)[0]!r}")
    return found


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "bundle"
    result = CliRunner().invoke(
        cli, ["release", str(out), "--stubs", str(ROOT / "exercises"), "--wheel"]
    )
    assert result.exit_code == 0, result.output
    assert "33 hidden checks" in result.output or "hidden checks" in result.output
    return out


def grade_in(folder: Path, *args: str, pythonpath: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=folder, env=env, capture_output=True,
        text=True, timeout=300, **kwargs,
    )  # fmt: skip


def test_the_bundle_holds_no_solution_and_no_hidden_check(release):
    assert (release / "dist").glob("*.whl")
    assert not leaks(release, secret_lines()), leaks(release, secret_lines())[:5]
    assert sorted(p.name for p in (release / "exercises").glob("m*.py")) == sorted(
        p.name for p in SOLUTIONS.glob("m*.py")
    )
    assert (release / ".github" / "workflows" / "grade.yml").is_file()


def test_the_leak_scan_can_fail(tmp_path):
    line = next(iter(solution_lines((SOLUTIONS / "m03_broadcasting.py").read_text())))
    (tmp_path / "notes.py").write_text(f"# copied\n{line}\n")
    with zipfile.ZipFile(tmp_path / "x.whl", "w") as archive:
        archive.writestr("grader/checks/hidden/m01_creation.py", "")
    found = leaks(tmp_path, secret_lines())
    assert any("notes.py" in f for f in found) and any("x.whl!" in f for f in found)


def test_the_bundle_says_what_it_does_not_grade(release):
    done = grade_in(release, "run", "3", "--seed", "1", pythonpath=release)
    assert done.returncode == 0, done.stderr
    assert "Score: 0 of the 13 visible points" in done.stdout
    assert "Not graded here: 6 hidden checks worth 6 points" in done.stdout
    solved = grade_in(release, "run", "3", "--submission", str(SOLUTIONS), pythonpath=release)
    assert "Score: 13 of the 13 visible points (100.0%)" in solved.stdout, solved.stdout
    assert "all tests passed" not in solved.stdout.lower()
    refused = grade_in(release, "release", "elsewhere", pythonpath=release)
    assert refused.returncode == 2 and "instructor command" in refused.stderr


def test_the_wheel_installs_grade_and_grade_init(release, tmp_path):
    wheel = next((release / "dist").glob("*.whl"))
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    script = target / "bin" / "grade"
    init = subprocess.run([str(script), "init", "work"], cwd=tmp_path, env=env, text=True,
                          capture_output=True, timeout=120)  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "work" / "exercises" / "m05_indexing.py").is_file()
    graded = subprocess.run([str(script), "1"], cwd=tmp_path / "work", env=env, text=True,
                            capture_output=True, timeout=300)  # fmt: skip
    assert graded.returncode == 0, graded.stderr
    assert "visible points" in graded.stdout and "Not graded here" in graded.stdout
    assert str(target) in subprocess.run(
        [sys.executable, "-c", "import grader; print(grader.__file__)"], env=env, text=True,
        cwd=tmp_path,
        capture_output=True,
    ).stdout  # fmt: skip
    again = subprocess.run([str(script), "init", "work"], cwd=tmp_path, env=env, text=True,
                           capture_output=True, timeout=120)  # fmt: skip
    assert again.returncode == 2 and "already holds" in again.stderr


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["release", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_the_ci_workflow_grades_with_fail_under_and_publishes_junit(release):
    import shlex

    import yaml

    from tests import specs

    workflow = yaml.safe_load((release / ".github" / "workflows" / "grade.yml").read_text())
    steps = workflow["jobs"]["grade"]["steps"]
    (grading,) = [s for s in steps if "grade run" in s.get("run", "")]
    command = grading["run"]
    assert "--fail-under" in command and "--format junit" in command
    publish = [s for s in steps if "junit" in s.get("uses", "")]
    assert publish and publish[0]["if"] == "always()"
    # The step's own command, in the bundle, on the untouched stubs: exit 1, a valid report.
    argv = shlex.split(command.split(">")[0])[1:]
    done = grade_in(release, *argv, pythonpath=release)
    assert done.returncode == 1, done.stderr
    specs.check_junit(done.stdout.encode())
