"""``DIR/report.html``: what the class got right and wrong, in one self-contained page.

Charts are inline SVG drawn here (no script libraries, no network, no external files), so the
page opens anywhere, offline, and prints. Every piece of text that came from a submission
(names, error messages) is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import math
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from grader.batch.exports.feedback import page_name
from grader.batch.gradebook import SUBMISSION_STATUSES, Gradebook
from grader.catalog import CATALOG
from grader.reporters.causes import one_cause
from grader.reporters.jsonfile import from_dict

_STYLE = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;p"
    "adding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px so"
    "lid #dde}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom"
    ":1px solid #eef;text-align:left;vertical-align:top}th{background:#f4f5fa}td.num{text-align"
    ":right;white-space:nowrap}.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#f4"
    "f5fa;border-radius:8px;padding:.6rem 1rem}.card b{display:block;font-size:1.4rem}svg text{"
    "font-size:11px;fill:#334}.msg{color:#555;font-size:12px}svg text.axis{font-size:12px;"
    "fill:#556}"
)
_SCRIPT = """
document.addEventListener('DOMContentLoaded', function () {
  var drawn = 0;
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    if (svg.querySelectorAll('rect.bar').length > 0 && svg.getBBox().width > 0) { drawn += 1; }
  });
  document.body.setAttribute('data-charts-drawn', String(drawn));
  var rows = 0;
  document.querySelectorAll('table tbody tr').forEach(function (tr) {
    if (tr.getBoundingClientRect().height > 0) { rows += 1; }
  });
  document.body.setAttribute('data-table-rows-drawn', String(rows));
});
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    top: float,
    title: str,
    unit: str = "",
    x_title: str = "",
    y_title: str = "",
) -> str:
    """A vertical bar chart as inline SVG, with a y axis (ticks and grid lines), axis titles and
    whole-number value labels small enough not to run into each other."""
    width, height, left, right, pad = 760, 240, 48, 12, 34
    n = max(1, len(values))
    step = (width - left - right) / n
    span = height - 2 * pad
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
    ]
    for k in range(5):  # the y axis: 0, 1/4, 1/2, 3/4 and all of ``top``
        tick = top * k / 4
        y = height - pad - span * k / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#99a" if k == 0 else "#e4e6ef"}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{tick:.0f}{_e(unit)}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{height - pad}" stroke="#99a"/>'
        f'<text class="axis" x="12" y="{height / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {height / 2:.0f})">{_e(y_title)}</text>'
        f'<text class="axis" x="{(left + width - right) / 2:.0f}" y="{height - 4}" '
        f'text-anchor="middle">{_e(x_title)}</text>'
    )
    small = "9px" if n > 15 else "11px"
    for i, (label, value) in enumerate(zip(labels, values)):
        h = 0 if top <= 0 else span * (value / top)
        x = left + i * step + step * 0.1
        y = height - pad - h
        middle = x + step * 0.4
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" '
            f'height="{max(h, 0.5):.1f}" fill="#4c6fd6"><title>{_e(label)}: '
            f"{value:.0f}{_e(unit)}</title></rect>"
            f'<text style="font-size:{small}" x="{middle:.1f}" y="{height - pad + 13}" '
            f'text-anchor="middle">{_e(label)}</text>'
            f'<text style="font-size:{small}" x="{middle:.1f}" y="{y - 3:.1f}" '
            f'text-anchor="middle">{value:.0f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


NOT_COUNTED = ("rejected", "grader_error")
"""Submission statuses with no grade: listed on the page, left out of every figure."""


def _failed_most_often(graded: Sequence[sqlite3.Row]) -> list[list[object]]:
    """Checks failed by the most students (each student counted once per check), leaving out
    exercises whose every check failed for one cause (an import error is not ten lessons)."""
    students: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    messages: dict[str, Counter[str]] = defaultdict(Counter)
    for r in graded:
        if not r["report_json"]:
            continue
        report = from_dict(json.loads(r["report_json"]), reveal_hidden=True)
        for exercise in report.exercises:
            if one_cause(exercise) is not None or exercise.status in ("missing", "not_attempted"):
                continue
            for check in exercise.checks:
                if check.outcome in ("passed", "skipped", "not_attempted", "missing"):
                    continue
                students[check.id].add(r["student"])
                names[check.id] = check.name
                messages[check.id][check.message or ""] += 1
    ranked = sorted(students.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:15]
    rows = []
    for check_id, who in ranked:
        message, seen = messages[check_id].most_common(1)[0]
        shown = f"{message[:300]} (x{seen})" if message else ""
        rows.append([len(who), check_id, names[check_id], shown])
    return rows


def _student_table(rows: Sequence[sqlite3.Row]) -> str:
    """Every student: a link to their feedback page, score, status, late, section."""
    body = []
    for r in rows:
        page = f"exports/feedback/{page_name(r['student'])}.html"
        who = (
            f'<a href="{_e(page)}">{_e(r["student"])}</a>' if r["report_json"] else _e(r["student"])
        )
        got = "" if r["status"] is None else f"{r['score']:g} / {r['max_score']:g}"
        body.append(
            f"<tr><td>{who}</td><td>{_e(r['name'])}</td><td class='num'>{_e(got)}</td>"
            f"<td>{_e(r['status'] or 'no submission')}</td><td>{'late' if r['late'] else ''}</td>"
            f"<td>{_e(r['section'])}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("student", "name", "score", "status", "late", "section")
    )
    return (
        f"<table id='students'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def build_class_report(
    book: Gradebook, *, notes: Sequence[str] = (), isolation: str | None = None
) -> str:
    """The page as a string; ``isolation`` is the line saying at which tier the recorded
    submissions ran (see :func:`grader.batch.run.recorded_isolation`)."""
    everyone = list(book.rows())
    rows = [r for r in everyone if r["status"] is not None]
    graded = [r for r in rows if r["status"] not in NOT_COUNTED]
    left_out = Counter(r["status"] for r in rows if r["status"] in NOT_COUNTED)
    scores = [float(r["score"]) for r in graded]
    top = max((float(r["max_score"]) for r in graded), default=100.0) or 100.0
    statuses = Counter(r["status"] for r in rows)
    bins = 10
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, int(bins * s / top))] += 1
    width = top / bins
    hist_labels = [f"{i * width:g}-{(i + 1) * width:g}" for i in range(bins)]

    counted = {r["student"] for r in graded}
    per_exercise: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in book.db.execute("SELECT student, exercise_id, score, max_score FROM exercises"):
        if r["student"] in counted:
            per_exercise[r["exercise_id"]].append((float(r["score"]), float(r["max_score"])))
    order = [e.id for e in CATALOG if e.id in per_exercise]
    names = {e.id: e.name for e in CATALOG}
    exercise_rows = []
    pass_rates = []
    for ex in order:
        marks = per_exercise[ex]
        mean = statistics.fmean(s for s, _ in marks)
        full = sum(1 for s, m in marks if m > 0 and s >= m) / len(marks)
        pass_rates.append(round(100 * full))
        exercise_rows.append(
            [ex, names.get(ex, ""), f"{mean:.2f}", f"{marks[0][1]:g}", f"{100 * full:.0f}%",
             len(marks)]
        )  # fmt: skip

    common_rows = _failed_most_often(graded)
    trouble = [
        [r["student"], r["status"], (r["message"] or _first_problem(r["report_json"]))[:300]]
        for r in rows
        if r["status"] != "ok"
    ]
    slowest = sorted(rows, key=lambda r: -float(r["duration_s"]))[:10]
    slow_rows = [[r["student"], f"{float(r['duration_s']):.2f} s", r["status"]] for r in slowest]
    mean = statistics.fmean(scores) if scores else 0.0
    median = statistics.median(scores) if scores else 0.0
    cards = [
        ("graded submissions", len(graded)),
        ("mean", f"{mean:.1f} / {top:g}"),
        ("median", f"{median:.1f}"),
        *((s, statuses.get(s, 0)) for s in SUBMISSION_STATUSES),
    ]
    excluded = ", ".join(f"{n} {status}" for status, n in sorted(left_out.items()))
    denominator = (
        f"Every figure on this page is over the <b>{len(graded)} graded submissions</b>"
        + (
            f"; {_e(excluded)} are not graded and not counted in them (listed below)"
            if excluded
            else ""
        )
        + "."
    )
    summary = {
        "submissions": len(rows),
        "graded": len(graded),
        "mean": round(mean, 3),
        "statuses": dict(statuses),
    }
    sections = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>tensorgrade class report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>tensorgrade: class report</h1>",
        f"<p>Isolation: <b>{_e(isolation)}</b></p>" if isolation is not None else "",
        f"<p id='denominator'>{denominator}</p>",
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards)
        + "</div>",
        "<h2>Score distribution</h2>",
        _bar_chart(
            hist_labels,
            counts,
            top=4 * math.ceil(max(max(counts, default=1), 1) / 4),  # whole-number ticks
            title="score histogram",
            x_title="points",
            y_title="students",
        ),
        "<h2>Per exercise: share of the graded submissions with full marks</h2>",
        _bar_chart(
            order,
            pass_rates,
            top=100,
            title="full marks per exercise",
            unit="%",
            x_title="exercise",
            y_title="full marks",
        ),
        _table(
            ["exercise", "function", "mean", "points", "full marks", "graded"],
            exercise_rows,
            {2, 3, 4, 5},
        ),
        "<h2>Students</h2>",
        "<p>Each name links to the feedback page written for that student "
        "(<code>exports/feedback/</code>), to hand back.</p>",
        _student_table(everyone),
        "<h2>Checks failed most often (what the class got wrong)</h2>",
        "<p>Counted in students. Exercises whose every check failed for one cause (an import "
        "error, a time-out, a missing function) are left out here; they are under problems.</p>",
        _table(["students", "check", "what it wants", "most common message"], common_rows, {0}),
        "<h2>Submissions with errors, timeouts or problems</h2>",
        _table(["student", "status", "why"], trouble, set()),
        "<h2>Slowest submissions</h2>",
        _table(["student", "grading time", "status"], slow_rows, {1}),
    ]
    if notes:
        sections.append("<h2>Notes from intake</h2><ul>")
        sections += [f"<li>{_e(n)}</li>" for n in notes]
        sections.append("</ul>")
    summary_json = json.dumps(summary).replace("</", "<\\/")
    sections.append(f'<script type="application/json" id="summary">{summary_json}</script>')
    sections.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(sections)


def _first_problem(report_json: str | None) -> str:
    if not report_json:
        return ""
    for exercise in json.loads(report_json).get("exercises", []):
        if exercise["status"] in ("forbidden", "error", "timed_out"):
            for check in exercise["checks"]:
                if check["outcome"] in ("forbidden", "error", "timeout") and check.get("message"):
                    return f"{exercise['id']}: {check['message']}"
    return ""


def write_class_report(
    book: Gradebook, path: Path, *, notes: Sequence[str] = (), isolation: str | None = None
) -> None:
    """Write report.html."""
    path.write_text(build_class_report(book, notes=notes, isolation=isolation), encoding="utf-8")
