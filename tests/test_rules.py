"""AST rules: loops and banned names are found where a student would hide them."""

from __future__ import annotations

import ast

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


# --- Rules follow the binding the grader will call (issue "The judge decides what runs") ---

REBOUND = """
import torch


def scale_channels(img, scale):
    return img * scale


if True:
    def scale_channels(img, scale):
        return torch.stack([img[..., c] * scale[c] for c in range(3)], -1)
"""

ALIASED = """
import torch

_f = torch.promote_types


def promote_types(a, b):
    return _f(a, b)
"""

BOUND_BY_IMPORT = "from torch import promote_types\n"

LAMBDA = "scale_channels = lambda img, scale: img * scale.view(1, 1, -1)\n"

LAMBDA_WITH_LOOP = "scale_channels = lambda img, scale: sum(img[..., c] for c in range(3))\n"

HELPER_ALIAS = """
def _impl(img, scale):
    return img * scale


scale_channels = _impl
"""


def test_a_second_def_in_an_if_block_is_what_the_rules_read():
    assert rules.find_loops(REBOUND, "scale_channels"), "the rebinding def was not read"


def test_a_module_level_alias_of_a_banned_callable_is_banned():
    found = rules.find_banned(ALIASED, "promote_types", banned_call_modules=("torch",))
    assert [f.line for f in found] == [4]


def test_binding_the_name_by_import_is_banned():
    found = rules.find_banned(BOUND_BY_IMPORT, "promote_types", banned_call_modules=("torch",))
    assert found


def test_constants_stay_allowed_under_a_call_ban():
    source = "import torch\n\ndef f(a):\n    return a is torch.float32 or a.itemsize\n"
    assert rules.find_banned(source, "f", banned_call_modules=("torch",)) == []


def test_a_lambda_or_an_alias_is_a_function_the_rules_can_read():
    for source in (LAMBDA, HELPER_ALIAS):
        tree = ast.parse(source)
        assert rules.find_bindings(tree, "scale_channels")
        assert not rules.is_stub(tree, "scale_channels")
        assert rules.find_loops(source, "scale_channels") == []
    assert rules.find_loops(LAMBDA_WITH_LOOP, "scale_channels")
