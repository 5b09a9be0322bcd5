"""Calls sys.exit(0) while the module is imported, hoping for a clean "success"."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.1", "3.3")
FORGES_SCORE = True

import sys

sys.exit(0)
