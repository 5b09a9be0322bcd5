"""Prints 200 MB with terminal escape sequences, then returns garbage."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True

import sys


def linspace_like_numpy(start, stop, num):
    line = "\x1b[31m\x1b]0;pwned\x07" + "x" * 1000 + "\n"
    for _ in range(200_000):
        sys.stdout.write(line)
    return None
