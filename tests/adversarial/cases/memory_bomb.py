"""Allocates 32 GiB (touching it page by page), more than the address-space limit allows."""

MODULE = "m01_creation"
ATTACKED = ("1.1",)
FORGES_SCORE = True


def linspace_like_numpy(start, stop, num):
    chunks = []
    for _ in range(32):
        chunks.append(bytearray(2**30))
    return chunks
