"""One source of truth: the judge reads a module's bytes once, decodes them as Python would (UTF-8
only), checks the rules on that text, and the worker runs only bytes with the same hash."""

from __future__ import annotations

import pytest

from grader.runner import StudentRunner
from grader.submission import SourceRefused, decode_source
from tests.conftest import SEED, grade, make_submission


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"# coding: utf-7\nx = 1\n", "'utf-7'"),
        (b"# -*- coding: latin-1 -*-\nx = 1\n", "'iso-8859-1'"),
        (b"x = '\xff\xfe'\n", "not valid UTF-8"),
    ],
)
def test_anything_but_utf8_is_refused_in_one_line(data, says):
    with pytest.raises(SourceRefused, match=says) as refused:
        decode_source(data, "m03_broadcasting.py")
    assert "\n" not in str(refused.value) and "m03_broadcasting.py" in str(refused.value)


def test_utf8_with_or_without_bom_or_cookie_reads_as_python_reads_it():
    for data in (b"x = 'caf\xc3\xa9'\n", b"\xef\xbb\xbfx = 1\n", b"# coding: utf-8\nx = 1\n"):
        assert decode_source(data, "m.py") == data.decode("utf-8-sig")


def test_a_coding_cookie_module_scores_zero_with_the_reason(tmp_path):
    cookie = "# coding: utf-7\nimport torch\n\ndef scale_channels(img, scale):\n    return img\n"
    folder = make_submission(tmp_path / "s", replace={"m03_broadcasting": cookie})
    report = grade(folder, exercises=["3.3", "1.2"], seed=SEED)
    by_id = {e.id: e for e in report.exercises}
    assert by_id["3.3"].score == 0 and by_id["1.2"].score == by_id["1.2"].max_score
    assert any("coding line" in (c.message or "") for c in by_id["3.3"].checks)


def test_the_worker_runs_only_the_bytes_the_judge_checked(tmp_path):
    module = tmp_path / "m01_creation.py"
    module.write_text("def linspace_like_numpy(a, b, n):\n    return [1]\n")
    import hashlib

    checked = hashlib.sha256(module.read_bytes()).hexdigest()
    module.write_text("def linspace_like_numpy(a, b, n):\n    return [2]\n")  # swapped after
    runner = StudentRunner(timeout_s=30)
    runner.expect_source(module, checked)
    try:
        with pytest.raises(Exception, match="changed after the grader checked it"):
            runner.call("1.1", module, "linspace_like_numpy", (0, 1, 2))
    finally:
        runner.close()
