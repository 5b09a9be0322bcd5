"""Ends the worker with os._exit(0) in the middle of a call."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True
REFUSED = ("3.3",)  # by the reflection rule, before it runs

import os


def scale_channels(img, scale):
    os._exit(0)
