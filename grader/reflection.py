"""The reflection rule: what no exercise needs and every attack on the grader does.

Read from the submitted text by the judge (never run). A finding anywhere in a module's
top-level code (imports, assignments, decorators, class bodies) means the module is never
imported: all of its exercises score 0. A finding inside a function or class means the
exercises whose code reaches it (see :func:`grader.rules.reachable_names`) score 0 and are
never called. Either way the finding is flagged for the instructor.

What is refused, and why it is safe to refuse (no exercise of the course needs any of it):

- modules that reach the interpreter, the process or the outside: ``gc``, ``inspect``,
  ``ctypes``, ``importlib``, ``signal``, ``subprocess``, ``threading``, ``socket``, ``pickle``,
  ``atexit``, ``resource``, ``mmap`` ... (:data:`BANNED_MODULES`), and the grader's own
  packages;
- ``os`` and ``sys`` beyond a short read-only list (:data:`OS_ALLOWED`, :data:`SYS_ALLOWED`);
- ``exec``, ``eval``, ``compile``, ``__import__``, ``globals``, ``locals``, ``vars``,
  ``setattr``, ``delattr``, ``breakpoint``, and ``getattr``/``hasattr`` with a name that is
  not a plain public string;
- introspection attributes (``__self__``, ``__globals__``, ``__closure__``, ``__code__``,
  ``__dict__``, ``__subclasses__``, frame and traceback attributes such as ``tb_frame``,
  ``f_back``, ``f_locals``...), and private attributes (``obj._name``) of anything but
  ``self``/``cls`` (allowed: ``torch.utils._pytree``);
- patching a module: assigning to or deleting an attribute of an imported module
  (``time.perf_counter = ...``, ``torch.Tensor.stride = ...``), and defining
  ``__torch_function__``/``__torch_dispatch__`` (re-routing torch's own calls);
- writing files: ``open`` with a mode that writes (or a mode that is not a plain string),
  ``Path.write_text`` and friends, ``torch.save``, ``numpy.save*``, ``.tofile``;
- ``/proc`` paths in string literals (another process's memory, file descriptors).

Everything else is allowed; the README lists what a normal answer uses (``from time import
perf_counter``, ``timeit.default_timer``, ``functools``, ``itertools``, ``math``,
``statistics``, ``typing``, ``dataclasses``, ``collections``, ``torch.func``,
``torch.utils._pytree``, ``numpy``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from grader import rules

BANNED_MODULES = frozenset(
    {
        "gc", "inspect", "ctypes", "cffi", "importlib", "imp", "pkgutil", "runpy", "zipimport",
        "builtins", "types", "code", "codeop", "dis", "marshal", "pickle", "copyreg", "shelve",
        "dill", "atexit", "faulthandler", "tracemalloc", "sysconfig", "site", "signal",
        "subprocess", "multiprocessing", "threading", "_thread", "concurrent", "asyncio",
        "socket", "ssl", "select", "selectors", "http", "urllib", "resource", "mmap", "pty",
        "fcntl", "termios", "shutil", "tempfile", "sqlite3", "weakref",
        # the grader's own code, the answers and the tests
        "grader", "solutions", "tests", "pytest", "_pytest", "pytest_jsonreport",
    }
)  # fmt: skip
OS_ALLOWED = frozenset({"path", "sep", "linesep", "fspath", "cpu_count", "getcwd"})
SYS_ALLOWED = frozenset(
    {
        "maxsize", "float_info", "int_info", "version_info", "version", "platform",
        "byteorder", "getsizeof", "getrecursionlimit", "stdout", "stderr", "exit",
    }
)  # fmt: skip
BANNED_BUILTINS = frozenset(
    {
        "exec", "eval", "compile", "__import__", "globals", "locals", "vars", "setattr",
        "delattr", "breakpoint", "__builtins__",
    }
)  # fmt: skip
INTROSPECTION_ATTRIBUTES = frozenset(
    {
        "__self__", "__func__", "__globals__", "__code__", "__closure__", "__builtins__",
        "__dict__", "__subclasses__", "__mro__", "__bases__", "__base__", "__reduce__",
        "__reduce_ex__", "__getstate__", "__setstate__", "__loader__", "__spec__",
        "__import__", "__defaults__", "__kwdefaults__", "__wrapped__", "__traceback__",
        "__getattribute__", "__setattr__", "__delattr__", "__init_subclass__",
        "__class_getitem__", "__set_name__", "__objclass__", "__slots__",
        "tb_frame", "tb_next", "tb_lasti", "f_back", "f_locals", "f_globals", "f_builtins",
        "f_code", "f_trace", "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame",
        "co_code", "co_consts", "co_names", "cell_contents",
    }
)  # fmt: skip
DISPATCH_HOOKS = frozenset({"__torch_function__", "__torch_dispatch__"})
PRIVATE_ALLOWED = frozenset({"_pytree", "_replace", "_asdict", "_fields", "_make"})
"""Underscore names that are public API: torch.utils._pytree, and named tuples' methods."""
FILE_WRITERS = frozenset(
    {
        "write_text", "write_bytes", "unlink", "rmdir", "touch", "mkdir", "chmod", "symlink_to",
        "hardlink_to", "tofile", "savetxt", "savez", "savez_compressed",
    }
)  # fmt: skip
WRITING_CALLS = frozenset({"torch.save", "numpy.save", "numpy.savez", "numpy.savetxt"})


Report = Callable[[ast.AST, str], None]


@dataclass(frozen=True)
class Violation:
    """One reach into internals at one line; ``owner`` is the top-level name whose code holds
    it (a function or class), or None for code that runs when the module is imported."""

    line: int
    what: str
    owner: str | None


def _module_use(dotted: str) -> str | None:
    """Why a dotted name that starts at an imported module is refused, or None."""
    top, _, rest = dotted.partition(".")
    if top in BANNED_MODULES:
        return f"{top} (reaches the interpreter, the process or the grader)"
    attr = rest.split(".")[0] if rest else ""
    if top == "os" and attr and attr not in OS_ALLOWED:
        return f"os.{attr} (processes, signals and files are not for exercises)"
    if top == "sys" and attr and attr not in SYS_ALLOWED:
        return f"sys.{attr} (the interpreter's internals)"
    if dotted in WRITING_CALLS:
        return f"{dotted}() (writes a file)"
    if top == "types" and attr == "SimpleNamespace":
        return None
    if top == "torch" and attr == "overrides":
        return "torch.overrides (re-routes torch's own calls)"
    return None


def _writes(call: ast.Call) -> bool:
    """Whether an ``open(...)`` call may write: a mode with w, a, x or +, or one not written
    out as a plain string."""
    mode: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
        elif keyword.arg is None:
            return True
    if mode is None:
        return False
    if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
        return True
    return any(c in mode.value for c in "wax+")


def _owners(tree: ast.Module) -> list[tuple[ast.AST, str | None]]:
    """Each top-level statement's code with who owns it: the name of a function or class
    (its body runs when called), or None (runs at import)."""
    owned: list[tuple[ast.AST, str | None]] = []

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # Decorators and defaults run at import; the body when called.
                for part in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults):
                    if part is not None:
                        owned.append((part, None))
                owned.extend((stmt, node.name) for stmt in node.body)
            elif isinstance(node, ast.ClassDef):
                owned.extend((part, None) for part in (*node.decorator_list, *node.bases))
                for stmt in node.body:  # methods run when called; the rest of a class at import
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        parts = (*stmt.decorator_list, *stmt.args.defaults, *stmt.args.kw_defaults)
                        owned.extend((part, None) for part in parts if part is not None)
                        owned.extend((inner, node.name) for inner in stmt.body)
                    else:
                        owned.append((stmt, None))
                if any(
                    isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and s.name in DISPATCH_HOOKS
                    for s in node.body
                ):
                    owned.append((node, None))
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.While)):
                header = [getattr(node, "test", None), getattr(node, "iter", None)]
                header += [item.context_expr for item in getattr(node, "items", [])]
                owned.extend((h, None) for h in header if h is not None)
                for block in rules.blocks(node):
                    visit(block)
            else:
                owned.append((node, None))

    visit(tree.body)
    return owned


def import_time_code(tree: ast.Module) -> list[ast.AST]:
    """The parts of a module that run when it is imported (not function or method bodies)."""
    return [code for code, owner in _owners(tree) if owner is None]


def find_reflection(source: str) -> list[Violation]:
    """Every reach into interpreter or grader internals in a module's text, by line.

    Raises :class:`grader.rules.SourceError` when the text does not parse.
    """
    tree = rules.parse_module(source)
    aliases = rules.import_aliases(tree)
    found: dict[tuple[int, str | None], Violation] = {}

    def flag(node: ast.AST, what: str, owner: str | None) -> None:
        key = (getattr(node, "lineno", 0), owner)
        found.setdefault(key, Violation(key[0], what, owner))

    # Bare strings (docstrings, strings used as comments) are never run: /proc in one is prose.
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for code, owner in _owners(tree):
        if isinstance(code, ast.ClassDef):  # a class that re-routes torch's calls
            flag(code, f"class {code.name} defines a torch dispatch hook", None)
            continue
        for node in ast.walk(code):
            if id(node) not in docstrings:
                _check_node(node, aliases, lambda n, w, o=owner: flag(n, w, o))
    return sorted(found.values(), key=lambda v: (v.line, v.owner or ""))


def _check_node(node: ast.AST, aliases: dict[str, str], report: Report) -> None:
    """Report ``node`` if it is one of the refused reaches (see the module's docstring)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            why = _module_use(alias.name)
            if why or alias.name.split(".")[0] in BANNED_MODULES:
                report(node, f"import {alias.name}: {why}")
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            report(node, "a relative import (submissions are single modules)")
            return
        for alias in node.names:
            why = _module_use(f"{node.module}.{alias.name}")
            if why:
                report(node, f"from {node.module} import {alias.name}: {why}")
    elif isinstance(node, ast.Name):
        if node.id in BANNED_BUILTINS:
            report(node, f"{node.id} (runs or looks up code by name)")
    elif isinstance(node, ast.Attribute):
        _check_attribute(node, aliases, report)
    elif isinstance(node, ast.Call):
        _check_call(node, aliases, report)
    elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute):
                    dotted = rules.dotted_name(part, aliases)
                    root = dotted.split(".")[0] if dotted else None
                    base = part.value
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if isinstance(base, ast.Name) and base.id in aliases and root:
                        report(node, f"patches {dotted} (changes a module for everyone)")
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "/proc" in node.value:
        report(node, "a /proc path (other processes' memory and files)")


def _check_attribute(node: ast.Attribute, aliases: dict[str, str], report: Report) -> None:
    attr = node.attr
    if attr in INTROSPECTION_ATTRIBUTES:
        report(node, f".{attr} (reaches into the interpreter's internals)")
        return
    if attr in DISPATCH_HOOKS:
        report(node, f".{attr} (re-routes torch's own calls)")
        return
    private = attr.startswith("_") and not (attr.startswith("__") and attr.endswith("__"))
    owner = node.value
    yours = isinstance(owner, ast.Name) and owner.id in ("self", "cls")
    foreach = attr.startswith("_foreach_")  # torch's public multi-tensor kernels
    if private and attr not in PRIVATE_ALLOWED and not yours and not foreach:
        report(node, f".{attr} (a private attribute of code that is not yours)")
        return
    dotted = rules.dotted_name(node, aliases)
    if dotted is not None and isinstance(_root(node), ast.Name) and _root(node).id in aliases:
        why = _module_use(dotted)
        if why:
            report(node, why)
    if attr in FILE_WRITERS:
        report(node, f".{attr}() (writes or removes a file)")


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _check_call(node: ast.Call, aliases: dict[str, str], report: Report) -> None:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else None
    if name in ("getattr", "hasattr") and len(node.args) >= 2:
        key = node.args[1]
        plain = isinstance(key, ast.Constant) and isinstance(key.value, str)
        text = str(key.value) if plain else ""  # type: ignore[union-attr]
        if not plain or (text.startswith("_") and text not in PRIVATE_ALLOWED):
            report(node, f"{name}() with a computed or private name (a dynamic lookup)")
    opener = name == "open" or (isinstance(func, ast.Attribute) and func.attr == "open")
    if opener and _writes(node):
        report(node, "open() for writing (submissions may not write files)")
