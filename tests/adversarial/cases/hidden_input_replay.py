"""Records the shape of every input it is called with and raises them all in its message, so a
visible check's message would show inputs of hidden checks run before it."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True

_seen = []


def scale_channels(img, scale):
    _seen.append(tuple(img.shape))
    raise ValueError(f"call {len(_seen)}; inputs so far: {_seen}")
