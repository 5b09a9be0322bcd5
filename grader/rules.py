"""Source rules checked by reading the student's file as text: no loops, banned names.

The judge parses with :mod:`ast` and never executes anything. A function is scanned together with
the module-level helper functions it calls, so moving a banned call into a helper does not hide it.
Imports are resolved to dotted names (``np.linspace`` → ``numpy.linspace``), and dynamic lookups
(``getattr``, ``eval``, ``__import__``...) count as banned wherever names are banned.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
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


def parse_module(source: str) -> ast.Module:
    """The module's syntax tree; raises SourceError (one line) when it does not parse."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise SourceError(f"syntax error at line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:
        raise SourceError(str(exc)) from None


def _bindings_in(statements: list[ast.stmt]) -> Iterator[tuple[str, ast.AST]]:
    """(name, node) for every binding a block of module-level statements makes, in order.

    The node is what the name is bound to as the rules should read it: a ``def`` or ``class``
    (decorators included), the value of an assignment (a lambda, an alias, a call), or the
    import statement. Bindings inside module-level ``if``/``try``/``with``/loops count too.
    """
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value if node.value is not None else node
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        yield name.id, value
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield (alias.asname or alias.name.split(".")[0]), node
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.While)):
            for block in blocks(node):
                yield from _bindings_in(block)


def blocks(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists inside a compound statement (body, else, finally, handlers)."""
    blocks = [getattr(node, name, []) for name in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(node, "handlers", [])]
    return blocks


def find_bindings(tree: ast.Module, name: str) -> list[ast.AST]:
    """What ``name`` may be bound to when the module has finished running: the last top-level
    binding, or, when that one sits in an ``if``/``try`` block, every binding of that block
    (which branch runs is not decided by reading)."""
    candidates: list[ast.AST] = []
    for node in tree.body:
        found = [bound for bound_name, bound in _bindings_in([node]) if bound_name == name]
        if not found:
            continue
        plain = not isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith))
        candidates = found[-1:] if plain else [*candidates, *found]
    return candidates


def find_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level ``def name`` in effect at the end of the module, if it is one ``def``."""
    bound = find_bindings(tree, name)
    if len(bound) == 1 and isinstance(bound[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return bound[0]
    return None


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


def import_aliases(tree: ast.Module) -> dict[str, str]:
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


def dotted_name(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """``a.b.c`` with its root resolved through the imports (``np.x`` → ``numpy.x``), or None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = aliases.get(node.id, node.id)
    return ".".join([root, *reversed(parts)])


def top_level_bindings(tree: ast.Module) -> dict[str, list[ast.AST]]:
    """Every module-level name and all that it is bound to anywhere at the top level."""
    bound: dict[str, list[ast.AST]] = {}
    for name, node in _bindings_in(tree.body):
        bound.setdefault(name, []).append(node)
    return bound


def reachable(tree: ast.Module, name: str) -> list[ast.AST]:
    """What the grader will call for ``name`` and everything at module level it refers to by
    name, transitively: helper functions, classes, lambdas and aliases
    (``_f = torch.promote_types``) alike. Imports count only where they bind ``name`` itself
    (``from torch import promote_types as result_type``); a helper's import is resolved where
    the name is used."""
    bound = top_level_bindings(tree)
    start = find_bindings(tree, name)
    seen_names = {name}
    found: list[ast.AST] = []
    todo = list(start)
    while todo:
        node = todo.pop()
        if any(node is f for f in found):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not any(node is s for s in start):
            continue
        found.append(node)
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and inner.id in bound and inner.id not in seen_names:
                seen_names.add(inner.id)
                todo.extend(bound[inner.id])
    return found


def reachable_names(tree: ast.Module, name: str) -> set[str]:
    """The module-level names that ``name``'s code refers to, transitively (itself included)."""
    return {name} | names_reached(tree, find_bindings(tree, name))


def names_reached(tree: ast.Module, code: Iterable[ast.AST]) -> set[str]:
    """The module-level names that ``code`` refers to, transitively."""
    bound = top_level_bindings(tree)
    seen: set[str] = set()
    todo = list(code)
    while todo:
        for inner in ast.walk(todo.pop()):
            if isinstance(inner, ast.Name) and inner.id in bound and inner.id not in seen:
                seen.add(inner.id)
                todo.extend(bound[inner.id])
    return seen


def find_loops(source: str, name: str) -> list[Finding]:
    """Every loop or comprehension in the function (and the helpers it calls)."""
    tree = parse_module(source)
    return sorted(
        {
            Finding(node.lineno, what)
            for fn in reachable(tree, name)
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
    tree = parse_module(source)
    aliases = import_aliases(tree)
    banned_set, modules, methods = set(banned), set(banned_modules), set(banned_methods)
    call_modules = set(banned_call_modules)
    findings: set[Finding] = set()
    for fn in reachable(tree, name):
        inner = {id(n.value) for n in ast.walk(fn) if isinstance(n, ast.Attribute)}
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and call_modules:
                called = dotted_name(node.func, aliases)
                if called is not None and called.split(".")[0] in call_modules:
                    findings.add(Finding(node.lineno, f"{called}()"))
                inner.add(id(node.func))
                continue
            if (
                call_modules
                and isinstance(node, (ast.Name, ast.Attribute))
                and id(node) not in inner
                and (isinstance(node, ast.Attribute) or node.id in aliases)
            ):
                # A callable bound to another name (``_f = torch.promote_types``) is called
                # under that name: the reference itself counts. Constants (torch.float32) don't.
                referenced = dotted_name(node, aliases)
                top = referenced.split(".")[0] if referenced else ""
                if top in call_modules and _is_callable(referenced or ""):
                    findings.add(
                        Finding(node.lineno, f"{referenced} (a function, bound to a name)")
                    )
                    continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mod = node.module if isinstance(node, ast.ImportFrom) else None
                for alias in node.names:
                    full = f"{mod}.{alias.name}" if mod else alias.name
                    in_call_module = full.split(".")[0] in call_modules and _is_callable(full)
                    if full in banned_set or full.split(".")[0] in modules or in_call_module:
                        findings.add(Finding(node.lineno, f"imports {full}"))
                continue
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            if isinstance(node, ast.Attribute) and node.attr in methods:
                findings.add(Finding(node.lineno, f".{node.attr}"))
                continue
            dotted = dotted_name(node, aliases)
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


def _is_callable(dotted: str) -> bool:
    """Whether a dotted name from a trusted library (torch, numpy) names something callable;
    unknown names count as callable (they could only be looked up to be called)."""
    import importlib

    top, *rest = dotted.split(".")
    try:
        obj: object = importlib.import_module(top)
        for part in rest:
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return True
    return callable(obj) and not isinstance(obj, type)


def describe_findings(findings: list[Finding], filename: str) -> str:
    """One line listing where the rule was broken."""
    shown = ", ".join(f"{f.what} at line {f.line}" for f in findings[:3])
    more = f" and {len(findings) - 3} more" if len(findings) > 3 else ""
    return f"{shown}{more} of {filename}"
