"""Writes a 1 GiB file, more than the file-size limit, to fill the disk."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import signal


def linspace_like_numpy(start, stop, num):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    with open("/tmp/tg-adv-big", "wb") as big:
        for _ in range(1024):
            big.write(b"\0" * 2**20)
