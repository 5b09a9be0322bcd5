# coding: utf-7
"""Hides a Python loop from the rules with a UTF-7 coding cookie: read as UTF-8 (as the rules
read it) the loop is a comment; read as UTF-7 (as Python runs it) "+AAo-" is a line break,
so the loop runs. Replaces the whole module (the cookie must be on its first lines)."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.1", "3.2", "3.3", "3.4", "3.5")
FORGES_SCORE = True
REPLACES_MODULE = True

import torch


def scale_channels(img, scale):
    out = img * scale.view(1, -1, 1, 1)  #+AAo-    out = torch.stack([img[:, c] * scale[c] for c in range(img.shape[1])], 1)
    return out
