"""The reflection rule: it refuses every reach into internals, and nothing a correct answer does."""

from __future__ import annotations

import pytest

from grader.catalog import CATALOG
from grader.forbidden import forbidden_exercises
from grader.reflection import find_reflection
from tests.conftest import MUTANTS, ROOT, SOLUTIONS, STUBS

VARIANTS = ROOT / "tests" / "variants"


@pytest.mark.parametrize(
    "folder",
    [SOLUTIONS, STUBS, MUTANTS, VARIANTS],
    ids=["solutions", "stubs", "mutants", "variants"],
)
def test_no_correct_or_merely_wrong_code_trips_it(folder):
    flagged = {f.name: find_reflection(f.read_text()) for f in sorted(folder.glob("*.py"))}
    assert flagged, folder
    assert not {name: v for name, v in flagged.items() if v}


ALLOWED = """
import functools
import itertools
import math
import statistics
import timeit
from collections import namedtuple
from dataclasses import dataclass
from time import perf_counter
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch.func import grad
from torch.utils import _pytree
import os.path
import sys


Pair = namedtuple("Pair", "a b")


class Stats(NamedTuple):
    mean: float


@functools.lru_cache(maxsize=None)
def cached(n):
    return math.factorial(n)


def everything(x, fn):
    clock = timeit.default_timer
    start = perf_counter()
    fn()
    p = Pair(1, 2)._replace(a=3)
    if hasattr(p, "_fields") and getattr(torch, "float32") is torch.float32:
        pass
    leaves, spec = _pytree.tree_flatten([x])
    x.data = x.data * 1
    size = sys.getsizeof(x) + os.path.getsize.__name__.__len__()
    with open("README.md") as readme:
        readme.read()
    torch._foreach_mul_([x], 2.0)
    return clock() - start, F.relu(x), np.asarray(x), grad, size, leaves, spec
"""


def test_the_documented_allow_list_passes():
    assert find_reflection(ALLOWED) == []


REFUSED = [
    ("import gc", "gc"),
    ("import inspect", "inspect"),
    ("import ctypes", "ctypes"),
    ("import importlib", "importlib"),
    ("from grader.checks import oracles", "grader"),
    ("import solutions.m03_broadcasting", "solutions"),
    ("import sys\nsys.modules['grader.inside.worker']", "sys.modules"),
    ("import sys\nsys._getframe(1)", "_getframe"),
    ("import os\nos.kill(1, 9)", "os.kill"),
    ("import signal\nsignal.signal(15, print)", "signal"),
    ("exec('1')", "exec"),
    ("eval('1')", "eval"),
    ("compile('1', 'f', 'exec')", "compile"),
    ("__import__('gc')", "__import__"),
    ("globals()['x'] = 1", "globals"),
    ("setattr(print, 'x', 1)", "setattr"),
    ("getattr(print, '__self__')", "getattr"),
    ("getattr(print, name)", "getattr"),
    ("print.__self__", "__self__"),
    ("(lambda: 0).__globals__", "__globals__"),
    ("(lambda: 0).__closure__", "__closure__"),
    ("(lambda: 0).__code__", "__code__"),
    ("print.__builtins__", "__builtins__"),
    ("try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "tb_frame"),
    ("def f():\n    frame.f_back.f_locals", "f_locals"),
    ("import time\ntime.perf_counter = lambda: 0.0", "patches time.perf_counter"),
    ("import torch\ntorch.Tensor.stride = None", "patches torch.Tensor.stride"),
    ("import builtins\nbuiltins.len = None", "builtins"),
    ("from torch import Tensor\ndel Tensor.stride", "patches torch.Tensor.stride"),
    ("x = open('f', 'w')", "open() for writing"),
    ("x = open('f', mode)", "open() for writing"),
    ("import pathlib\npathlib.Path('f').write_text('x')", "write_text"),
    ("import torch\ntorch.save(1, 'f')", "torch.save"),
    ("x = '/proc/1/mem'", "/proc"),
    ("import torch\nclass T(torch.Tensor):\n    def __torch_function__(cls): 0", "dispatch hook"),
    ("import torch\ntorch.overrides.TorchFunctionMode", "torch.overrides"),
    ("obj._secret", "private attribute"),
]


@pytest.mark.parametrize("source,what", REFUSED, ids=[w for _, w in REFUSED])
def test_each_reach_into_internals_is_refused_at_its_line(source, what):
    found = find_reflection(source)
    assert any(what in v.what for v in found), found
    last = source.count("\n") + 1
    assert all(1 <= v.line <= last for v in found)


EXERCISES_M03 = [e for e in CATALOG if e.module == "m03_broadcasting"]


def test_top_level_code_forbids_the_whole_module():
    source = (SOLUTIONS / "m03_broadcasting.py").read_text() + "\nimport gc\n"
    forbidden = forbidden_exercises(source, EXERCISES_M03, "m03_broadcasting.py")
    assert set(forbidden) == {e.id for e in EXERCISES_M03}
    assert "line" in forbidden["3.1"] and "import gc" in forbidden["3.1"]


def test_code_inside_a_function_forbids_the_exercises_that_reach_it():
    source = (SOLUTIONS / "m03_broadcasting.py").read_text() + (
        "\n\ndef _peek():\n    import gc\n    return gc\n\n\n"
        "def scale_channels(img, scale):\n    _peek()\n    return img * scale\n"
    )
    forbidden = forbidden_exercises(source, EXERCISES_M03, "m03_broadcasting.py")
    assert set(forbidden) == {"3.3"}


def test_a_helper_no_exercise_reaches_forbids_nothing():
    source = (SOLUTIONS / "m03_broadcasting.py").read_text() + (
        "\n\ndef _unused():\n    import gc\n    return gc\n"
    )
    assert forbidden_exercises(source, EXERCISES_M03, "m03_broadcasting.py") == {}


def test_a_helper_called_at_import_forbids_the_whole_module():
    source = (SOLUTIONS / "m03_broadcasting.py").read_text() + (
        "\n\ndef _peek():\n    import gc\n    return gc\n\n\n_peek()\n"
    )
    forbidden = forbidden_exercises(source, EXERCISES_M03, "m03_broadcasting.py")
    assert set(forbidden) == {e.id for e in EXERCISES_M03}


def test_a_class_body_runs_at_import():
    found = find_reflection(
        "class Sneaky:\n    import gc\n\n    def method(self):\n        return 1\n"
    )
    assert [v.owner for v in found] == [None]


def test_strings_that_are_never_run_are_prose():
    source = 'def f():\n    return 1\n\n\n"""Reads /proc/1/mem, says this comment."""\n'
    assert find_reflection(source) == []
