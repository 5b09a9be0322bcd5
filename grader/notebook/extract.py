"""A notebook as the judge grades it: its definitions, never its run.

Code is read with nbformat, not executed in a kernel. What a module would define is kept, in
notebook order (so the last definition of a name wins, as in the kernel): imports, functions,
classes, and assignments that run nothing at import (literals, aliases, lambdas). Everything
else (prints, plots, training loops, a ``while True`` left in a cell) would run when the
module is imported; it is dropped, and each dropped statement is named in a note. IPython
magics and shell lines (``%time``, ``!pip``) are dropped too, and so is ``from grader import
check`` (the notebook's tooling: a submission may not import the grader). Cells are found by
their code, not their metadata, so JupyterLab, VS Code and Colab notebooks (and cells whose
tags were lost) grade the same.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024


class NotebookError(Exception):
    """The file cannot be read as a Jupyter notebook (one line for the user)."""


@dataclass(frozen=True)
class Extracted:
    """The module the judge grades, and what of the notebook it leaves out."""

    source: str
    dropped: tuple[str, ...]
    """One line per statement or cell left out: where, what, and why."""


def code_cells(path: Path) -> list[tuple[int, str, dict]]:
    """(cell number from 1, source, metadata) of every code cell, read with nbformat."""
    import nbformat

    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise NotebookError(f"{path.name} cannot be read: {exc.strerror or exc}") from None
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except UnicodeDecodeError:
        raise NotebookError(f"{path.name} is not a notebook (not UTF-8 text)") from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError):
        raise NotebookError(f"{path.name} is not a notebook (not JSON)") from None
    except Exception as exc:  # nbformat raises a zoo of errors for JSON that is no notebook
        kind = type(exc).__name__
        raise NotebookError(f"{path.name} is not a Jupyter notebook ({kind})") from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{path.name} is not a Jupyter notebook (it has no cells)")
    return [
        (number, str(cell.get("source", "")), dict(cell.get("metadata", {})))
        for number, cell in enumerate(cells, start=1)
        if cell.get("cell_type") == "code"
    ]


def _without_magics(source: str) -> tuple[str, list[str]]:
    """The cell with IPython magic and shell lines blanked (line numbers kept)."""
    kept, magics = [], []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and "#" not in stripped):
            magics.append(stripped)
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept), magics


def _runs_at_import(node: ast.AST) -> bool:
    """Whether evaluating ``node`` at import would call anything (lambda bodies run later)."""
    if isinstance(node, ast.Lambda):
        return any(_runs_at_import(d) for d in [*node.args.defaults, *node.args.kw_defaults] if d)
    if isinstance(node, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
        return True
    return any(_runs_at_import(child) for child in ast.iter_child_nodes(node))


CHEAP_CALLS = frozenset({"TypeVar", "NewType", "namedtuple", "NamedTuple", "device", "finfo",
                         "iinfo"})  # fmt: skip
"""Calls an assignment may make and still be kept: typing helpers and torch descriptors."""


def _is_grader_import(node: ast.stmt) -> bool:
    """``from grader import check`` and the like: the notebook's tooling, not the answer."""
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "grader"
    return isinstance(node, ast.Import) and any(
        a.name.split(".")[0] == "grader" for a in node.names
    )


def _cheap(node: ast.AST) -> bool:
    """A call of a typing helper or torch descriptor with constant arguments."""
    if not isinstance(node, ast.Call):
        return False
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return name in CHEAP_CALLS and not any(
        _runs_at_import(a) for a in [*node.args, *(k.value for k in node.keywords)]
    )


def _kept(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True  # (decorators such as @torch.no_grad() run at definition: cheap, and kept)
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        names = node.targets if isinstance(node, ast.Assign) else [node.target]
        plain = all(isinstance(t, ast.Name) for t in names)
        value = node.value
        return plain and value is not None and (_cheap(value) or not _runs_at_import(value))
    return False


def _quiet(node: ast.stmt) -> bool:
    """A bare string or ``pass``: nothing to say about leaving it out."""
    return isinstance(node, ast.Pass) or (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    )


def _shown(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= 60 else first[:57] + "..."


def extract_cells(cells: list[tuple[int, str, dict]], name: str) -> Extracted:
    """The module that ``cells`` define, and a note for everything left out."""
    futures: list[str] = []
    chunks: list[str] = []
    dropped: list[str] = []
    for number, raw, _ in cells:
        source, magics = _without_magics(raw)
        if magics:
            dropped.append(f"{name} cell {number}: {_shown(magics[0])} (IPython magic or shell)")
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            dropped.append(
                f"{name} cell {number}: not graded, it has a syntax error on line "
                f"{exc.lineno}: {exc.msg}"
            )
            continue
        kept = []
        for node in tree.body:
            text = ast.get_source_segment(source, node) or ast.unparse(node)
            if _is_grader_import(node):
                continue  # (never graded: importing the grader is refused in a submission)
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                futures.append(text)
            elif _kept(node):
                kept.append(text)
            elif not _quiet(node):
                dropped.append(
                    f"{name} cell {number}, line {node.lineno}: {_shown(text)} "
                    "(runs when the notebook runs, not inside a function)"
                )
        if kept:
            chunks.append(f"# --- cell {number} ---\n" + "\n\n".join(kept))
    header = f'"""Graded from the notebook {name}: its definitions, in notebook order."""\n'
    body = "\n\n\n".join(chunks)
    return Extracted(
        source="\n".join([*futures, header, body]).strip() + "\n", dropped=tuple(dropped)
    )


def extract_notebook(path: Path) -> Extracted:
    """Read ``path`` with nbformat and extract its definitions; raises NotebookError."""
    return extract_cells(code_cells(path), path.name)
