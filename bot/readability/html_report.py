"""One self-contained HTML page for educators: a chart of grades, then the worst texts first.

No scripts and nothing loaded from elsewhere: it opens from a file, prints, and can be e-mailed.
Every piece of content is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

from bot.content.check import Report

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}
.pass{color:#0a6b2c}.fail{color:#a10d0d}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}
.error{color:#a10d0d;font-weight:600}.warning{color:#7a4b00}
.over{background:#fde8e8}.num{text-align:right;white-space:nowrap}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
code{background:#f4f4f4;padding:0 .2rem}
"""


def _chart(report: Report) -> str:
    """A bar chart of how many texts sit at each whole grade, with the limit drawn as a line."""
    grades = [t.grade.grade for t in report.graded() if t.grade]
    buckets = Counter(min(int(g), 16) for g in grades)
    top = max(buckets.values(), default=1)
    width, height, pad = 720, 260, 40
    bar = (width - 2 * pad) / 17
    parts = [
        f'<svg role="img" aria-labelledby="chart-title" viewBox="0 0 {width} {height + 40}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Number of texts at each reading grade</title>'
    ]
    for grade in range(17):
        count = buckets.get(grade, 0)
        h = (height - pad) * count / top if top else 0
        x = pad + grade * bar
        colour = "#b3261e" if grade >= report.max_grade else "#2e7d32"
        parts.append(
            f'<rect class="bar" data-grade="{grade}" data-count="{count}" x="{x + 2:.1f}" y="{height - h:.1f}" '
            f'width="{bar - 4:.1f}" height="{h:.1f}" fill="{colour}"><title>grade {grade}: {count} texts</title></rect>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - h - 4:.1f}" font-size="12" '
                f'text-anchor="middle">{count}</text>'
            )
        label = f"{grade}+" if grade == 16 else str(grade)
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 16}" font-size="12" text-anchor="middle">{label}</text>'
        )
    limit_x = pad + report.max_grade * bar
    parts.append(
        f'<line x1="{limit_x:.1f}" x2="{limit_x:.1f}" y1="{pad - 10}" y2="{height}" stroke="#000" '
        f'stroke-dasharray="5 4"/>'
        f'<text x="{limit_x + 4:.1f}" y="{pad - 14}" font-size="12">limit: grade {report.max_grade:g}</text>'
        f'<text x="{width / 2}" y="{height + 36}" font-size="13" text-anchor="middle">reading grade</text></svg>'
    )
    return "".join(parts)


def as_html(report: Report, title: str = "plainhealth content check", extra: str = "") -> str:
    """The report page; ``extra`` is an already-escaped HTML section (the lesson insights) put after the problems."""
    verdict = "pass" if report.passed() else "fail"
    rows = []
    for p in report.problems:
        grade = f"{p.grade:.1f}" if p.grade is not None else ""
        rows.append(
            f'<tr><td class="{escape(p.severity)}">{escape(p.severity)}</td>'
            f"<td><code>{escape(p.location())}</code></td>"
            f"<td>{escape(p.rule)}</td><td class=num>{grade}</td><td>{escape(p.message)}"
            f"{'<br><q>' + escape(p.text[:300]) + '</q>' if p.text else ''}</td><td>{escape(p.fix)}</td></tr>"
        )
    texts = sorted(report.graded(), key=lambda t: -(t.grade.grade if t.grade else 0))
    text_rows = []
    for t in texts:
        assert t.grade is not None
        formulas = ", ".join(f"{k.replace('_', '-')} {v:.1f}" for k, v in t.grade.formulas.items())
        over = ' class="over"' if t.grade.grade > report.max_grade else ""
        text_rows.append(
            f"<tr{over}><td class=num>{t.grade.grade:.1f}</td><td><code>{escape(t.item.file)}:{t.item.line}</code></td>"
            f"<td>{escape(t.item.field)}</td><td>{escape(formulas)}</td><td>{escape(t.item.text[:240])}</td></tr>"
        )
    doc_rows = "".join(
        f"<tr{' class=over' if g.grade > report.max_grade else ''}><td class=num>{g.grade:.1f}</td>"
        f"<td><code>{escape(f)}</code></td><td class=num>{g.words}</td><td class=num>{g.sentences}</td></tr>"
        for f, g in sorted(report.documents.items(), key=lambda kv: -kv[1].grade)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head><body>
<h1>{escape(title)}</h1>
<p class="{verdict}"><strong>{escape(report.summary())}</strong></p>
<p>Made {dt.datetime.now().strftime("%Y-%m-%d %H:%M")}. Grades combine Flesch-Kincaid and Coleman-Liau, and SMOG
for texts of 10 or more sentences. Short texts (under 10 words) are graded together per file.</p>
<figure>{_chart(report)}<figcaption>How many texts sit at each reading grade. Bars at or right of the line
need work.</figcaption></figure>
<h2 id="problems">Problems, worst first ({len(report.problems)})</h2>
<table><thead><tr><th>Severity</th><th>Where</th><th>Rule</th><th>Grade</th><th>What is wrong</th>
<th>What to change</th></tr></thead><tbody>{"".join(rows) or "<tr><td colspan=6>No problems.</td></tr>"}</tbody></table>
{extra}<h2 id="files">Files, hardest first</h2>
<table><thead><tr><th>Grade</th><th>File</th><th>Words</th><th>Sentences</th></tr></thead><tbody>{doc_rows}</tbody></table>
<h2 id="texts">All graded texts, hardest first ({len(text_rows)})</h2>
<table><thead><tr><th>Grade</th><th>Where</th><th>Part</th><th>Formulas</th><th>Text</th></tr></thead>
<tbody>{"".join(text_rows)}</tbody></table>
</body></html>
"""
