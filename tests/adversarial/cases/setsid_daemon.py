"""Double-forks a setsid daemon that outlives the call, keeps writing a marker and waits to
tamper with whatever runs next; the call itself returns the right answer."""

MODULE = "m01_creation"
ATTACKED = ()
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs
LEAVES_PROCESSES = True
MARKER = "/tmp/tg-adv-daemon-marker"

import ctypes
import os
import time

import torch


def _daemon():
    os.setsid()
    if os.fork():
        os._exit(0)
    ctypes.CDLL(None).prctl(15, b"tg-adv", 0, 0, 0)
    while True:
        with open("/tmp/tg-adv-daemon-marker", "a") as marker:
            marker.write("still here\n")
        time.sleep(0.2)


def linspace_like_numpy(start, stop, num, *, device=None):
    if os.fork() == 0:
        try:
            _daemon()
        finally:
            os._exit(0)
    return torch.linspace(start, stop, num, dtype=torch.float64, device=device)
