"""Returns a non-tensor object whose __eq__, __bool__ and attributes lie about everything."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True


class Anything:
    def __eq__(self, other):
        return True

    def __bool__(self):
        return True

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self


def scale_channels(img, scale):
    return Anything()
