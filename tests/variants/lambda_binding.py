"""3.3 bound to a lambda at module level: a function the grader calls like any def."""

MODULE = "m03_broadcasting"
FULL_MARKS = ("3.3",)

scale_channels = lambda img, scale: img * scale.reshape(1, 1, -1)  # noqa: E731
