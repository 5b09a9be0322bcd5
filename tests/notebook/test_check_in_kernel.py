"""`from grader import check; check("3.4")` in a real Jupyter kernel (nbclient + ipykernel):
graded through the judge and a worker, shown as HTML, warm on the second call."""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import SOLUTIONS

pytestmark = pytest.mark.slow
nbclient = pytest.importorskip("nbclient", reason="nbclient comes with the test extras")


def test_check_grades_the_notebooks_functions_in_a_real_kernel(tmp_path):
    solution = (SOLUTIONS / "m03_broadcasting.py").read_text()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(solution),
        nbformat.v4.new_code_cell(
            "def scale_channels(img, scale):\n    return img * scale + 1  # wrong on purpose"
        ),
        nbformat.v4.new_code_cell(
            "import os, time\n"
            "from grader import check\n"
            "t0 = time.perf_counter(); first = check('3.4', seed=1); t1 = time.perf_counter()\n"
            "second = check('3.4', seed=1); t2 = time.perf_counter()\n"
            "wrong = check('3.3', seed=1)\n"
            "print('SCORES', first.score, second.score, first.max_score, wrong.score)\n"
            "print('KERNEL', os.getpid(), 'WARM', (t2 - t1) < (t1 - t0))\n"
            "first"
        ),
    ]
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    client.execute()
    outputs = nb.cells[2].outputs
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "SCORES 4.0 4.0 4.0 0" in text  # the redefinition is the one graded
    assert "WARM True" in text
    html = next(o.data["text/html"] for o in outputs if o.output_type == "execute_result")
    assert "Score: 4/4" in html and "<table>" in html
