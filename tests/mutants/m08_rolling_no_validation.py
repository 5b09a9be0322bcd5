"""Never validates the window."""
EXERCISE = "8.2"
CATCHES = ("check_rolling_mean_rejects_bad_windows",)


def rolling_mean(x, window):
    return x.unfold(0, max(window, 1), 1).mean(dim=1)
