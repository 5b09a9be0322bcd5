"""3.3 bound by an alias of a helper, and 3.4 by a decorated def: the binding is what counts."""

MODULE = "m03_broadcasting"
FULL_MARKS = ("3.3", "3.4")

import functools


def _scaled(img, scale):
    return img * scale


scale_channels = _scaled


def _keep(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


@_keep
def scale_batch_channels(imgs, scales):
    return imgs * scales[:, None, None, :]
