"""Imports the reference solutions (by module name and by the course folder's path)."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import importlib.util
import pathlib
import sys


def scale_channels(img, scale):
    try:
        from solutions.m03_broadcasting import scale_channels as reference
    except ImportError:
        reference = None
    if reference is None:
        for parent in pathlib.Path(sys.executable).resolve().parents:
            candidate = parent / "solutions" / "m03_broadcasting.py"
            if candidate.is_file():
                spec = importlib.util.spec_from_file_location("stolen", candidate)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                reference = module.scale_channels
                break
    if reference is None:
        raise RuntimeError("no solutions found")
    return reference(img, scale)
