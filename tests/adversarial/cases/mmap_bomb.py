"""Maps 64 GiB of shared anonymous memory and writes to it."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import mmap


def linspace_like_numpy(start, stop, num):
    region = mmap.mmap(-1, 64 * 2**30, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    for offset in range(0, len(region), 2**20):
        region[offset] = 1
    return region
