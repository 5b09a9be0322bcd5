"""Source rules checked by reading the student's file as text: no loops, banned names.

The judge parses with :mod:`ast` and never executes anything. A function is scanned together with
the module-level helper functions it calls, so moving a banned call into a helper does not hide it.
Imports are resolved to dotted names (``np.linspace`` → ``numpy.linspace``), and dynamic lookups
(``getattr``, ``eval``, ``__import__``...) count as banned wherever names are banned.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

DYNAMIC_LOOKUPS = frozenset(
    {"getattr", "eval", "exec", "compile", "__import__", "globals", "vars", "importlib"}
)
_LOOP_NODES: dict[type, str] = {
    ast.For: "for loop",
    ast.AsyncFor: "for loop",
    ast.While: "while loop",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
}


@dataclass(frozen=True)
class Finding:
    """One rule violation at one line of the student's file."""

    line: int
    what: str


class SourceError(Exception):
    """The source could not be parsed."""


def _module_tree(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise SourceError(f"syntax error at line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:
        raise SourceError(str(exc)) from None


def find_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level ``def name`` in effect at the end of the module (the last binding wins)."""
    found = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            found = node
        elif _binds(node, name):
            found = None  # ``name = something_else`` after the def replaces it
    return found


def _binds(node: ast.stmt, name: str) -> bool:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    elif isinstance(node, ast.ClassDef):
        return node.name == name
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t))


def is_stub(tree: ast.Module, name: str) -> bool:
    """True when the function's body is only a docstring and ``raise NotImplementedError``."""
    fn = find_function(tree, name)
    if fn is None:
        return False
    body = [
        s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name → dotted origin for every import anywhere in the module."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = aliases.get(node.id, node.id)
    return ".".join([root, *reversed(parts)])


def _reachable_functions(tree: ast.Module, name: str) -> list[ast.AST]:
    """The function and every module-level function it (transitively) refers to by name."""
    top = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    start = find_function(tree, name)
    if start is None:
        return []
    seen: dict[str, ast.AST] = {name: start}
    todo = [start]
    while todo:
        for node in ast.walk(todo.pop()):
            if isinstance(node, ast.Name) and node.id in top and node.id not in seen:
                seen[node.id] = top[node.id]
                todo.append(top[node.id])
    return list(seen.values())


def find_loops(source: str, name: str) -> list[Finding]:
    """Every loop or comprehension in the function (and the helpers it calls)."""
    tree = _module_tree(source)
    return sorted(
        {
            Finding(node.lineno, what)
            for fn in _reachable_functions(tree, name)
            for node in ast.walk(fn)
            if (what := _LOOP_NODES.get(type(node))) is not None
        },
        key=lambda f: f.line,
    )


def find_banned(
    source: str,
    name: str,
    *,
    banned: Iterable[str] = (),
    banned_modules: Iterable[str] = (),
    banned_methods: Iterable[str] = (),
    banned_call_modules: Iterable[str] = (),
) -> list[Finding]:
    """Uses of banned dotted names, anything from banned modules, or banned method names.

    ``banned`` holds dotted names (``torch.broadcast_shapes``); ``banned_modules`` bans every use of
    a module (``torch``); ``banned_methods`` bans attribute names on any object (``softmax``);
    ``banned_call_modules`` bans calling anything from a module while allowing its constants
    (``torch.float32`` is fine, ``torch.promote_types(...)`` is not).
    """
    tree = _module_tree(source)
    aliases = _aliases(tree)
    banned_set, modules, methods = set(banned), set(banned_modules), set(banned_methods)
    call_modules = set(banned_call_modules)
    findings: set[Finding] = set()
    for fn in _reachable_functions(tree, name):
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and call_modules:
                called = _dotted(node.func, aliases)
                if called is not None and called.split(".")[0] in call_modules:
                    findings.add(Finding(node.lineno, f"{called}()"))
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mod = node.module if isinstance(node, ast.ImportFrom) else None
                for alias in node.names:
                    full = f"{mod}.{alias.name}" if mod else alias.name
                    if full in banned_set or full.split(".")[0] in modules:
                        findings.add(Finding(node.lineno, f"imports {full}"))
                continue
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            if isinstance(node, ast.Attribute) and node.attr in methods:
                findings.add(Finding(node.lineno, f".{node.attr}"))
                continue
            dotted = _dotted(node, aliases)
            if dotted is None:
                continue
            if (
                isinstance(node, ast.Name)
                and node.id in DYNAMIC_LOOKUPS
                and (banned_set or modules or call_modules)
            ):
                findings.add(Finding(node.lineno, f"{node.id}() (dynamic lookups are not allowed)"))
            elif dotted in banned_set or (
                dotted.split(".")[0] in modules
                and isinstance(node, (ast.Name, ast.Attribute))
                and (isinstance(node, ast.Attribute) or aliases.get(node.id))
            ):
                findings.add(Finding(node.lineno, dotted))
    # An Attribute chain also yields its inner Name/Attribute nodes; keep the longest per line.
    by_line: dict[int, Finding] = {}
    for f in sorted(findings, key=lambda f: (f.line, -len(f.what))):
        by_line.setdefault(f.line, f)
    return sorted(by_line.values(), key=lambda f: f.line)


def describe_findings(findings: list[Finding], filename: str) -> str:
    """One line listing where the rule was broken."""
    shown = ", ".join(f"{f.what} at line {f.line}" for f in findings[:3])
    more = f" and {len(findings) - 3} more" if len(findings) > 3 else ""
    return f"{shown}{more} of {filename}"
