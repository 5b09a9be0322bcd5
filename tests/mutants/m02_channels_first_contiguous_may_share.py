"""Uses .contiguous() for the copy: it returns the same memory when the view is contiguous."""
EXERCISE = "2.1"
CATCHES = ("check_to_channels_first_view_or_copy",)


def to_channels_first(x, *, contiguous=False):
    view = x.permute(0, 3, 1, 2)
    return view.contiguous() if contiguous else view
