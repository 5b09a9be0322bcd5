"""Registers an atexit hook that prints a perfect score and a fake protocol frame, then exits."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import atexit
import json
import os
import struct
import sys


def _forge():
    body = json.dumps({"id": 1, "status": "ok", "value": 1}).encode()
    sys.stdout.write("Score: 100/100 (100.0%)\n")
    os.write(1, struct.pack("<II", len(body), 0) + body)


atexit.register(_forge)


def scale_channels(img, scale):
    sys.exit(0)
