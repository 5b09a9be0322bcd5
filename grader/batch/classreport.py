"""``DIR/report.html``: what the class got right and wrong, in one self-contained page.

Charts are inline SVG drawn here (no script libraries, no network, no external files), so the
page opens anywhere, offline, and prints. Every piece of text that came from a submission
(names, error messages) is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from grader.batch.gradebook import SUBMISSION_STATUSES, Gradebook
from grader.catalog import CATALOG

_STYLE = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;p"
    "adding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px so"
    "lid #dde}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom"
    ":1px solid #eef;text-align:left;vertical-align:top}th{background:#f4f5fa}td.num{text-align"
    ":right;white-space:nowrap}.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#f4"
    "f5fa;border-radius:8px;padding:.6rem 1rem}.card b{display:block;font-size:1.4rem}svg text{"
    "font-size:11px;fill:#334}.msg{color:#555;font-size:12px}"
)
_SCRIPT = """
document.addEventListener('DOMContentLoaded', function () {
  var drawn = 0;
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    if (svg.querySelectorAll('rect.bar').length > 0 && svg.getBBox().width > 0) { drawn += 1; }
  });
  document.body.setAttribute('data-charts-drawn', String(drawn));
});
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _bar_chart(
    labels: Sequence[str], values: Sequence[float], *, top: float, title: str, unit: str = ""
) -> str:
    """A vertical bar chart as inline SVG."""
    width, height, pad = 760, 220, 30
    n = max(1, len(values))
    step = (width - 2 * pad) / n
    parts = [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#99a"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values)):
        h = 0 if top <= 0 else (height - 2 * pad) * (value / top)
        x = pad + i * step + step * 0.1
        y = height - pad - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" '
            f'height="{max(h, 0.5):.1f}" fill="#4c6fd6"><title>{_e(label)}: '
            f"{value:g}{_e(unit)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + step * 0.4:.1f}" y="{height - pad + 14}" text-anchor="middle">'
            f"{_e(label)}</text>"
        )
        parts.append(
            f'<text x="{x + step * 0.4:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value:g}</text>'
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


def build_class_report(
    book: Gradebook, *, notes: Sequence[str] = (), isolation: str | None = None
) -> str:
    """The page as a string; ``isolation`` is the line saying at which tier the recorded
    submissions ran (see :func:`grader.batch.run.recorded_isolation`)."""
    rows = [r for r in book.rows() if r["status"] is not None]
    scores = [float(r["score"]) for r in rows]
    top = max((float(r["max_score"]) for r in rows), default=100.0) or 100.0
    statuses = Counter(r["status"] for r in rows)
    bins = 10
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, int(bins * s / top))] += 1
    width = top / bins
    hist_labels = [f"{i * width:g}-{(i + 1) * width:g}" for i in range(bins)]

    per_exercise: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in book.db.execute("SELECT exercise_id, score, max_score FROM exercises"):
        per_exercise[r["exercise_id"]].append((float(r["score"]), float(r["max_score"])))
    order = [e.id for e in CATALOG if e.id in per_exercise]
    names = {e.id: e.name for e in CATALOG}
    exercise_rows = []
    pass_rates = []
    for ex in order:
        marks = per_exercise[ex]
        mean = statistics.fmean(s for s, _ in marks)
        full = sum(1 for s, m in marks if m > 0 and s >= m) / len(marks)
        pass_rates.append(round(100 * full, 1))
        exercise_rows.append(
            [ex, names.get(ex, ""), f"{mean:.2f}", f"{marks[0][1]:g}", f"{100 * full:.0f}%"]
        )

    failed = book.db.execute(
        "SELECT check_id, name, outcome, message FROM checks "
        "WHERE outcome NOT IN ('passed', 'skipped', 'not_attempted')"
    ).fetchall()
    by_check: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for r in failed:
        by_check[r["check_id"]].append((r["name"], r["outcome"], r["message"]))
    common = sorted(by_check.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:15]
    common_rows = []
    for check_id, items in common:
        message, seen = Counter(m or "" for _, _, m in items).most_common(1)[0]
        common_rows.append(
            [
                len(items),
                check_id,
                items[0][0],
                f"{message[:300]}" + (f" (x{seen})" if seen else ""),
            ]
        )
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
        ("submissions", len(rows)),
        ("mean", f"{mean:.1f} / {top:g}"),
        ("median", f"{median:.1f}"),
        *((s, statuses.get(s, 0)) for s in SUBMISSION_STATUSES),
    ]
    summary = {"submissions": len(rows), "mean": round(mean, 3), "statuses": dict(statuses)}
    sections = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>tensorgrade class report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>tensorgrade: class report</h1>",
        f"<p>Isolation: <b>{_e(isolation)}</b></p>" if isolation is not None else "",
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards)
        + "</div>",
        "<h2>Score distribution</h2>",
        _bar_chart(hist_labels, counts, top=max(counts, default=1) or 1, title="score histogram"),
        "<h2>Per exercise: share of the class with full marks</h2>",
        _bar_chart(order, pass_rates, top=100, title="pass rate per exercise", unit="%"),
        _table(["exercise", "function", "mean", "points", "full marks"], exercise_rows, {2, 3, 4}),
        "<h2>Checks failed most often (what the class got wrong)</h2>",
        _table(["failed", "check", "what it wants", "most common message"], common_rows, {0}),
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
