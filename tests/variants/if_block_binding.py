"""3.2 defined once, then again inside an if block, correctly both times: still full marks."""

MODULE = "m03_broadcasting"
FULL_MARKS = ("3.2",)

if True:

    def center_columns(x):
        return x - x.mean(dim=0, keepdim=True)
