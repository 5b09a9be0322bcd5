"""Ignores every catchable signal, then spins forever."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import signal


def linspace_like_numpy(start, stop, num):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGALRM):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
