"""Assigns the moved values back into the input dicts and lists."""
from torch import Tensor

EXERCISE = "8.1"
CATCHES = ("check_to_device_leaves_input_containers_unchanged",)


def to_device(batch, device):
    if isinstance(batch, Tensor):
        return batch.to(device)
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    if isinstance(batch, list):
        for i, v in enumerate(batch):
            batch[i] = to_device(v, device)
        return batch
    if isinstance(batch, dict):
        for k in list(batch):
            batch[k] = to_device(batch[k], device)
        return batch
    return batch
