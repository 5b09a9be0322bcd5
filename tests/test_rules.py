"""AST rules: loops and banned names are found where a student would hide them."""

from __future__ import annotations

from grader import rules

SOURCE = '''
import numpy as np
import torch as T
from torch import broadcast_shapes as bs


def helper(x):
    return [v for v in x]


def uses_helper(x):
    return helper(x)


def aliased(*s):
    return bs(*s)


def via_numpy(a):
    return np.broadcast_shapes(a)


def dynamic(a):
    return getattr(T, "broadcast_" + "shapes")(a)


def clean(a, b):
    return tuple(max(x, y) for x, y in zip(a, b))


def stub(x):
    """Doc."""
    raise NotImplementedError


def replaced(x):
    return x


replaced = T.broadcast_shapes
'''


def test_loops_are_found_through_helpers():
    found = rules.find_loops(SOURCE, "uses_helper")
    assert [f.what for f in found] == ["list comprehension"]
    assert found[0].line == 8


def test_banned_names_resolve_aliases():
    assert rules.find_banned(SOURCE, "aliased", banned=["torch.broadcast_shapes"])
    assert rules.find_banned(SOURCE, "via_numpy", banned_modules=["numpy"])
    assert rules.find_banned(SOURCE, "dynamic", banned_modules=["torch"])
    assert not rules.find_banned(SOURCE, "clean", banned_modules=["torch", "numpy"])


def test_stub_detection_and_last_binding_wins():
    import ast

    tree = ast.parse(SOURCE)
    assert rules.is_stub(tree, "stub")
    assert not rules.is_stub(tree, "clean")
    assert rules.find_function(tree, "replaced") is None


def test_messages_name_the_line():
    found = rules.find_banned(SOURCE, "via_numpy", banned_modules=["numpy"])
    assert "line 20" in rules.describe_findings(found, "m.py")
