"""The judge end to end: full marks for solutions, zero for stubs, and reproducible seeds."""

from __future__ import annotations

import pytest

from grader import seeding
from grader.catalog import CATALOG
from grader.judge import UsageError, resolve_devices
from grader.submission import SubmissionError
from tests.conftest import ROOT, SEED, SOLUTIONS, STUBS, by_id, grade


def test_solutions_score_full_marks(solutions_report):
    failed = [(c.id, c.message) for c in solutions_report.checks if c.outcome != "passed"]
    assert failed == []
    assert solutions_report.score == solutions_report.max_score == sum(e.points for e in CATALOG)
    assert all(e.status == "passed" for e in solutions_report.exercises)


def test_stubs_score_zero_and_read_as_not_attempted(stubs_report):
    assert stubs_report.score == 0
    assert {e.status for e in stubs_report.exercises} == {"not_attempted"}
    assert {c.outcome for c in stubs_report.checks} == {"not_attempted"}


def test_every_exercise_has_visible_and_hidden_checks_adding_up_to_its_points(solutions_report):
    for exercise, result in zip(CATALOG, solutions_report.exercises):
        assert sum(c.max_points for c in result.checks) == pytest.approx(exercise.points)
        assert {c.visibility for c in result.checks} == {"visible", "hidden"}, exercise.id


def test_device_round_runs_on_meta_without_cuda(solutions_report):
    assert solutions_report.devices[:2] == ("cpu", "meta")
    assert any(c.kind == "device" for c in solutions_report.checks)


def test_check_seed_is_base_plus_crc32_of_the_check_id():
    import zlib

    assert seeding.check_seed(7, "a") == (7 + zlib.crc32(b"a")) % 2**32


def test_same_seed_gives_the_same_outcomes(tmp_path):
    from tests.conftest import make_submission

    sub = make_submission(
        tmp_path / "s",
        replace={
            "m03_broadcasting": (SOLUTIONS / "m03_broadcasting.py")
            .read_text()
            .replace(
                "return imgs * scales[:, None, None, :]", "return imgs * scales.reshape(2, 1, 1, 3)"
            )
        },
    )
    first = grade(sub, exercises=["3.4"], seed=99)
    second = grade(sub, exercises=["3.4"], seed=99)
    assert [(c.id, c.outcome) for c in first.checks] == [(c.id, c.outcome) for c in second.checks]
    assert first.seed == second.seed == 99


def test_selected_exercises_only(solutions_report):
    report = grade(SOLUTIONS, exercises=["1.2", "5.1"], seed=SEED)
    assert [e.id for e in report.exercises] == ["1.2", "5.1"]
    assert report.max_score == 5


def test_hidden_check_messages_are_not_revealed(tmp_path):
    from tests.conftest import make_submission

    sub = make_submission(
        tmp_path / "s",
        append={
            "m05_indexing": "def segmentation_mask(logits):\n"
            "    v, i = logits.max(dim=-2)\n    return i, v\n"
        },
    )
    report = grade(sub, exercises=["5.1"], seed=SEED)
    hidden = [c for c in report.checks if c.visibility == "hidden"]
    assert hidden and all(c.outcome == "failed" and c.message is None for c in hidden)
    visible_failed = [
        c for c in report.checks if c.visibility == "visible" and c.outcome == "failed"
    ]
    assert visible_failed and all(c.message for c in visible_failed)


def test_single_module_file_is_a_submission(tmp_path):
    report = grade(SOLUTIONS / "m03_broadcasting.py", seed=SEED)
    results = by_id(report)
    assert results["3.4"].status == "passed"
    assert results["1.1"].status in ("failed", "not_attempted")
    assert results["1.1"].score == 0


def test_unknown_id_and_missing_cuda_are_usage_errors():
    with pytest.raises(UsageError):
        grade(STUBS, exercises=["9.9"])
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(UsageError):
            resolve_devices("cuda")


def test_missing_submission_is_reported(tmp_path):
    with pytest.raises(SubmissionError):
        grade(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SubmissionError):
        grade(tmp_path / "empty")


def test_every_meta_safe_exercise_has_a_device_round(solutions_report):
    by_exercise = {e.id: e for e in solutions_report.exercises}
    for exercise in CATALOG:
        kinds = {c.kind for c in by_exercise[exercise.id].checks}
        if exercise.meta_safe:
            assert "device" in kinds, exercise.id


def test_no_hidden_input_can_reach_a_visible_message(tmp_path):
    """A function that replays what it was called with (the corpus's hidden_input_replay) only
    ever shows visible checks inputs of visible checks: hidden checks all run after them."""
    import re

    from tests.conftest import make_submission

    attack = (ROOT / "tests" / "adversarial" / "cases" / "hidden_input_replay.py").read_text()
    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": attack})
    report = grade(folder, exercises=["3.3", "3.4"], seed=SEED, reveal_hidden=True)
    calls = {"visible": [], "hidden": []}
    for check in report.checks:
        found = re.search(r"call (\d+);", check.message or "")
        if check.exercise_id == "3.3" and found:
            calls[check.visibility].append(int(found.group(1)))
    assert calls["visible"] and calls["hidden"]
    assert max(calls["visible"]) < min(calls["hidden"])


def test_what_a_function_printed_shows_with_a_failing_visible_check_only(tmp_path):
    from tests.conftest import make_submission

    noisy = (
        "\n\ndef scale_channels(img, scale):\n"
        "    print('debug: shape', tuple(img.shape), '\\x1b[2J')\n"
        "    return img * 0\n"
    )
    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": noisy})
    report = grade(folder, exercises=["3.3"], seed=SEED, reveal_hidden=True)
    failed = [c for c in report.checks if c.outcome == "failed"]
    visible = [c for c in failed if c.visibility == "visible"]
    hidden = [c for c in failed if c.visibility == "hidden"]
    assert visible and hidden
    assert any("Your function printed (last lines):\ndebug: shape" in c.message for c in visible)
    assert all("\x1b" not in (c.message or "") for c in visible)
    assert not any("debug: shape" in (c.message or "") for c in hidden)


def test_not_attempted_means_the_stub_is_untouched_not_any_notimplementederror(tmp_path):
    """torch raises NotImplementedError too ('Cannot copy out of meta tensor'): that is a
    failure with its message, in What to fix; only the stub's own body is 'not attempted'."""
    import io

    from grader.reporters import terminal
    from tests.conftest import make_submission

    cpu_trip = (
        "\n\ndef scale_channels(img, scale):\n    return (img * scale).cpu().to(img.device)\n"
    )
    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": cpu_trip})
    result = by_id(grade(folder, exercises=["3.3"], seed=SEED, device="meta"))["3.3"]
    device = [c for c in result.checks if c.kind == "device"]
    assert device and all(c.outcome == "failed" for c in device)
    assert any("Cannot copy out of meta tensor" in (c.message or "") for c in device)
    assert result.status == "failed"
    stream = io.StringIO()
    report = grade(folder, exercises=["3.3"], seed=SEED, device="meta")
    terminal.render(report, stream)
    assert "Cannot copy out of meta tensor" in stream.getvalue()
    assert "Not attempted" not in stream.getvalue()


def test_a_gated_check_says_it_is_gated(tmp_path):
    """A rules or device check whose points need a correct answer says so when the answer is
    wrong, instead of a bare value error under a title about rules or devices."""
    from grader.outcomes import GATED
    from tests.conftest import make_submission

    wrong = "\n\ndef scale_channels(img, scale):\n    return img * scale + 1\n"
    folder = make_submission(tmp_path / "s", append={"m03_broadcasting": wrong})
    result = by_id(grade(folder, exercises=["3.3"], seed=SEED))["3.3"]
    gated = [c for c in result.checks if c.kind in ("rules", "device", "time")]
    assert gated and all(c.outcome == "failed" for c in gated)
    assert all((c.message or "").startswith(GATED) for c in gated if c.visibility == "visible")
    values = [c for c in result.checks if c.kind == "values" and c.visibility == "visible"]
    assert values and not any((c.message or "").startswith(GATED) for c in values)


def test_checks_whose_points_disagree_with_the_catalog_are_refused(tmp_path):
    """Points are held to the catalog when the checks are collected: a check worth a different
    amount is an installation error in one line, never a silently different maximum."""
    import shutil

    from grader.judge import CHECKS_DIR, ChecksBroken

    checks = tmp_path / "checks"
    shutil.copytree(CHECKS_DIR, checks, ignore=shutil.ignore_patterns("__pycache__"))
    module = checks / "m01_creation.py"
    text = module.read_text()
    first = text.index('@check("1.2"')
    points_at = text.index("points=", first)
    end = text.index(")", points_at)
    module.write_text(text[:points_at] + "points=9" + text[end:])
    with pytest.raises(ChecksBroken, match=r"checks of 1\.2 add up to .* the catalog says 2"):
        grade(SOLUTIONS, exercises=["1.2"], seed=SEED, checks_dir=checks)
