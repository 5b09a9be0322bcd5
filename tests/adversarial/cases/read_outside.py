"""Reads files outside the submission: the course's solutions and checks, /etc/shadow, $HOME."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = False  # the reduced tier can read what the instructor's user can (SECURITY.md)
REFUSED = ("3.3",)  # by the reflection rule, before it runs

import pathlib
import sys

import torch


def _readable_secrets():
    candidates = [pathlib.Path("/etc/shadow"), pathlib.Path.home() / ".bash_history"]
    for parent in pathlib.Path(sys.executable).parents:
        candidates += [parent / "solutions" / "m03_broadcasting.py",
                       parent / "grader" / "checks" / "hidden" / "m03_broadcasting.py"]
    found = []
    for path in candidates:
        try:
            if path.read_bytes():
                found.append(path)
        except OSError:
            pass
    return found


def scale_channels(img, scale):
    if _readable_secrets():
        # Something outside the submission was readable: prove it by scoring (the full tier must
        # never get here).
        return img * scale.reshape(1, 1, -1)
    return torch.zeros_like(img)
