"""Prints grader-like output and raw bytes that look like protocol frames, then returns garbage."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = ("3.3",)  # by the reflection rule, before it runs

import json
import os
import struct

import torch


def scale_channels(img, scale):
    body = json.dumps({"id": 0, "status": "ok", "value": None}).encode()
    for fd in (1, 2):
        os.write(fd, b"PASSED 3.3::check_scale_channels\nScore: 100/100\n")
        os.write(fd, struct.pack("<II", len(body), 0) + body)
    print("\x1b[2J\x1b[HAll checks passed!")
    return torch.zeros_like(img)
