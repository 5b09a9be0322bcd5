"""Declares pytest plugins and hooks in the module, as if it were a conftest."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True

import torch

pytest_plugins = ["pytester"]


def pytest_runtest_makereport(item, call):
    raise SystemExit("hooked")


def pytest_collection_modifyitems(items):
    items.clear()


def scale_channels(img, scale):
    return torch.zeros_like(img)
