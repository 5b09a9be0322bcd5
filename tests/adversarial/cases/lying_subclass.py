"""Returns a tensor subclass whose comparisons and __bool__ always say True."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3", "3.4")
FORGES_SCORE = True
REFUSED = "module"  # by the reflection rule, before it runs

import torch


class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("allclose", "equal", "eq", "__eq__", "isclose"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True


def scale_channels(img, scale):
    return torch.zeros(img.shape, device=img.device).as_subclass(Liar)


def scale_batch_channels(imgs, scales):
    return torch.zeros(imgs.shape, device=imgs.device).as_subclass(Liar)
