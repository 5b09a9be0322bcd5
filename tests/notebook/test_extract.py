"""A notebook's definitions are graded, its run is not: what is kept, what is dropped and said."""

from __future__ import annotations

import pytest

from grader.notebook.extract import NotebookError, code_cells, extract_cells


def extract(*cells: str):
    return extract_cells([(i, c, {}) for i, c in enumerate(cells, 1)], "work.ipynb")


def test_definitions_are_kept_in_order_and_the_run_is_dropped_and_named():
    got = extract(
        "import torch\n%matplotlib inline\nx = torch.rand(3)\nprint(x)",
        "def f(x):\n    return x\n\nwhile True:\n    pass\n",
        "f = lambda x: x + 1\nEPS = 1e-3\nT = TypeVar('T')\nfrom grader import check\ncheck('1.1')",
    )
    assert "import torch" in got.source and "def f(x)" in got.source
    assert got.source.index("def f(x)") < got.source.index("f = lambda")  # the last one wins
    assert "EPS = 1e-3" in got.source and "T = TypeVar('T')" in got.source
    assert "grader" not in got.source.split('"""', 2)[2]  # the tooling import is not graded
    assert "print(x)" not in got.source and "while True" not in got.source
    said = "\n".join(got.dropped)
    for piece in ("%matplotlib", "x = torch.rand(3)", "print(x)", "while True:", "check('1.1')"):
        assert piece in said, piece
    compile(got.source, "notebook.py", "exec")


def test_a_cell_with_a_syntax_error_is_named_and_left_out():
    got = extract("def good():\n    return 1", "def bad(:\n    pass")
    assert "def good" in got.source and "def bad" not in got.source
    assert any("cell 2" in d and "syntax error" in d for d in got.dropped)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"{not json", "not JSON"),
        (b'{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a Jupyter"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_what_is_not_a_notebook_gets_one_line(tmp_path, content, said):
    path = tmp_path / "work.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match=said) as error:
        code_cells(path)
    assert "\n" not in str(error.value)
