"""As root in its user namespace (what bubblewrap gave a sandbox run by root), remounts the
read-only binds writable and writes into the host's Python, the system and its own submission
folder. The call returns the right answer only if every write failed."""

MODULE = "m01_creation"
ATTACKED = ()
FORGES_SCORE = False  # containment: only the full tier promises read-only host folders
REFUSED = "module"  # by the reflection rule, before it runs

import ctypes
import os

import torch

MS_REMOUNT, MS_BIND = 0x20, 0x1000


def _targets():
    site = os.path.dirname(os.path.dirname(torch.__file__))
    return [site, "/usr", "/", os.path.dirname(os.path.abspath(__file__))]


def linspace_like_numpy(start, stop, num, *, device=None):
    libc = ctypes.CDLL(None, use_errno=True)
    wrote = []
    for target in _targets():
        libc.mount(None, target.encode(), None, MS_REMOUNT | MS_BIND, None)
        libc.mount(None, target.encode(), None, MS_REMOUNT, None)
        path = os.path.join(target, "tg-adv-remount-marker")
        try:
            with open(path, "w") as marker:
                marker.write("written from the sandbox\n")
            wrote.append(path)
        except OSError:
            continue
    if wrote:
        return torch.zeros(num, dtype=torch.float64)
    return torch.linspace(start, stop, num, dtype=torch.float64, device=device)
