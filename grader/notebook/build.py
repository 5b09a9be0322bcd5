"""``grade notebook``: the student notebook, generated from the stubs and the catalog.

Per module: a markdown introduction (the module's concepts, the seed notebook's worked examples
it teaches, its exercises), a code cell with the module's imports and helpers, then per exercise
a markdown cell with its contract and a code cell with its stub, tagged with the exercise id.
A last cell shows how to grade. Cell ids are derived from the content's place, so two runs give
the same file.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat import v4

from grader.catalog import CATALOG, SEED_CONCEPTS, Exercise

TAG = "exercise:"
"""Cell tag prefix: ``exercise:3.4`` (JupyterLab shows tags; VS Code and Colab keep them)."""


def _module_parts(stub: Path) -> tuple[str, str, dict[str, str]]:
    """(module docstring, the non-function top level, each function's source) of a stub."""
    text = stub.read_text(encoding="utf-8")
    tree = ast.parse(text)
    doc = ast.get_docstring(tree) or stub.stem
    helpers, functions = [], {}
    for node in tree.body:
        segment = ast.get_source_segment(text, node, padded=False) or ""
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = "\n".join(
                [*(f"@{ast.get_source_segment(text, d)}" for d in node.decorator_list), segment]
            )
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            helpers.append(segment)
    return doc, "\n".join(helpers), functions


def _stars(exercise: Exercise) -> str:
    return "★" * exercise.stars


def _intro(module: str, doc: str, exercises: list[Exercise]) -> str:
    title, _, rest = doc.partition("\n")
    lines = [f"# {title.strip().rstrip('.')}", "", rest.strip(), ""]
    concepts = [
        (concept, [i for i in ids if any(e.id == i for e in exercises)])
        for concept, ids in SEED_CONCEPTS.items()
    ]
    taught = [(c, ids) for c, ids in concepts if ids]
    if taught:
        lines += ["**Worked examples from the course notebook, and where you practise them:**", ""]
        lines += [f"- {concept}: {', '.join(ids)}" for concept, ids in taught]
        lines.append("")
    lines += ["| exercise | function | points | difficulty | what it teaches |",
              "| --- | --- | ---: | --- | --- |"]  # fmt: skip
    lines += [
        f"| {e.id} | `{e.name}` | {e.points:g} | {_stars(e)} | {e.topic} |" for e in exercises
    ]
    return "\n".join(lines).strip() + "\n"


def _cell_id(*parts: str) -> str:
    return "-".join(p.replace(".", "-").replace("_", "-") for p in parts)[:64]


def build_notebook(stubs: Path, modules: Sequence[str] = ()) -> nbformat.NotebookNode:
    """The student notebook for the given module numbers (all when empty)."""
    wanted = list(dict.fromkeys(e.module for e in CATALOG))
    if modules:
        numbers = {str(int(m)) for m in modules}
        wanted = [m for m in wanted if str(int(m[1:3])) in numbers]
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    cells = [
        v4.new_markdown_cell(
            "# PyTorch tensors: the exercises\n\n"
            "Each exercise is a function: its docstring is the contract (what it takes and "
            "returns, and everything the checks look at). Replace `raise NotImplementedError` "
            "with your code, run the cell, then check it with `check(\"3.4\")` (the last cell) "
            "or `grade run --submission this-notebook.ipynb` in a terminal. Only functions, "
            "imports and simple assignments are graded: prints, plots and loops at the top "
            "level of a cell are yours to experiment with.",
            id="intro",
        )
    ]
    for module in wanted:
        exercises = [e for e in CATALOG if e.module == module]
        doc, helpers, functions = _module_parts(stubs / f"{module}.py")
        cells.append(v4.new_markdown_cell(_intro(module, doc, exercises), id=_cell_id(module)))
        cells.append(v4.new_code_cell(helpers, id=_cell_id(module, "imports")))
        for e in exercises:
            title = (
                f"## {e.id} `{', '.join(e.all_functions)}` "
                f"({e.points:g} points, {_stars(e)})\n\n{e.topic}."
            )
            cells.append(v4.new_markdown_cell(title, id=_cell_id(e.id, "contract")))
            code = "\n\n\n".join(functions[f] for f in e.all_functions)
            cell = v4.new_code_cell(code, id=_cell_id(e.id, "code"))
            cell.metadata["tags"] = [f"{TAG}{e.id}"]
            cell.metadata["tensorgrade"] = {"exercise": e.id}
            cells.append(cell)
    first = next(e.id for e in CATALOG if e.module in wanted) if wanted else "1.1"
    cells.append(
        v4.new_markdown_cell(
            "## Check your work\n\n`check(\"3.4\")` grades one exercise, `check(\"3\")` a "
            "module, `check()` every exercise defined in this notebook. Your code runs in a "
            "separate process, as in the final grading; the first check takes a few seconds, "
            "later ones much less.",
            id="how-to-grade",
        )
    )
    cells.append(
        v4.new_code_cell(f"from grader import check\n\ncheck(\"{first}\")", id="check")
    )
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def write_notebook(nb: nbformat.NotebookNode, out: Path) -> None:
    """Write ``nb`` as a file (the same bytes for the same notebook)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
