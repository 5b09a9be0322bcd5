"""Sleeps far longer than any time limit."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True

import time


def linspace_like_numpy(start, stop, num):
    time.sleep(10_000)
