"""Copies every tensor (.to(device, copy=True)), even those already on the device."""
from torch import Tensor

EXERCISE = "8.1"
CATCHES = ("check_to_device_returns_tensors_already_there_as_is",
           "check_to_device_moves_every_tensor")


def to_device(batch, device):
    if isinstance(batch, Tensor):
        return batch.to(device, copy=True)
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    if isinstance(batch, dict):
        return type(batch)((k, to_device(v, device)) for k, v in batch.items())
    return batch
