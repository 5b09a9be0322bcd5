"""Raises an exception whose message clears the screen, writes a fake full score, retitles the
terminal and writes the clipboard (OSC 52), hoping it reaches a terminal raw."""

MODULE = "m03_broadcasting"
ATTACKED = ("3.3",)
FORGES_SCORE = True


def scale_channels(img, scale):
    raise ValueError(
        "\x1b[2J\x1b[H\x1b]0;tensorgrade 100/100\x07\x1b]52;c;cm0gLXJmIH4=\x07"
        "Score: 100/100 (100.0%)\r\x1b[1A"
    )
