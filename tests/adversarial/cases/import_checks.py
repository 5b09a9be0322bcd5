"""Imports the grader's own checks and oracles to compute the expected answer."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = False  # the reduced tier does not hide the installed grader (SECURITY.md)
REFUSED = "module"  # by the reflection rule, before it runs

from grader.checks import oracles


def scale_channels(img, scale):
    return oracles.scale_channels_loop(img, scale).to(img.dtype)
