"""Forks 64 children that each leave the process group (setsid) and sleep, then hangs."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs
LEAVES_PROCESSES = True

import ctypes
import os
import time


def _name_me():
    ctypes.CDLL(None).prctl(15, b"tg-adv", 0, 0, 0)  # PR_SET_NAME: how the test finds us


def linspace_like_numpy(start, stop, num):
    for _ in range(64):
        if os.fork() == 0:
            os.setsid()
            _name_me()
            time.sleep(10_000)
            os._exit(0)
    time.sleep(10_000)
