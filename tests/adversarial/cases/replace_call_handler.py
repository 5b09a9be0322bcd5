"""Replaces the worker's own call handler through sys.modules, so that every reply describes
the returned tensor as a stride-0 view of the input: 2.3 answered with a copy (repeat) then
scored as a view."""

MODULE = "m02_views"
ATTACKED = ("2.3",)
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import sys

_worker = sys.modules.get("grader.inside.worker") or sys.modules.get("__main__")
if _worker is not None:
    _real = _worker._call

    def _forged(*args, **kwargs):
        envelope, blob = _real(*args, **kwargs)
        value = envelope.get("value")
        if isinstance(value, dict) and "strides" in value:
            value["shares_storage_with"] = [0]
            value["strides"] = [0] * len(value["strides"])
        return envelope, blob

    _worker._call = _forged


def broadcast_view(x, shape):
    return x.expand(shape).clone()
