"""Student-derived text made safe for a terminal: exception messages, reprs, printed output,
file and student names.

Escape sequences (colours, cursor moves, screen clears, window titles, OSC 52 clipboard writes)
are removed; any other control character, and the Unicode controls that reorder text on screen
(bidi overrides and isolates), is shown as a visible escape such as ``\\x07`` instead of acting.
"""

from __future__ import annotations

import re

ESCAPE_SEQUENCES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, clipboard writes (52)
    r"|[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|[@-Z\\-_])"  # two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*[\x07\x9c]?"  # their 8-bit forms
)
"""CSI (``ESC [``, 8-bit ``\\x9b``), OSC (``ESC ]``, ``\\x9d``; titles, clipboard), DCS/SOS/PM/APC
strings and two-character escapes."""
_REORDERING = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with escape sequences removed and other control characters made visible.

    Newlines and tabs stay (unless ``keep_newlines`` is false: then a newline shows as ``\\n``,
    for one-line fields such as names, where a newline could forge a line of the report).
    """
    text = ESCAPE_SEQUENCES.sub("", text)
    keep = "\n\t" if keep_newlines else ""
    return "".join(
        ch if (ch in keep or (ch.isprintable() and ch not in _REORDERING)) else _visible(ch)
        for ch in text
    )


def one_line(text: str) -> str:
    """A name or note for one line of a report: nothing in it can start another line."""
    return for_terminal(text, keep_newlines=False)
