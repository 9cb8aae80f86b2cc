"""One self-contained HTML page for educators: a chart of grades, then the worst texts first.

No scripts and nothing loaded from elsewhere: it opens from a file, prints, and can be e-mailed.
Every piece of content is escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from html import escape

from bot.content.check import Report, ScoredText, clip
from bot.readability.scoring import Grade

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
.left-out{border:2px solid #a10d0d;border-radius:6px;padding:0 1rem;margin:1rem 0;background:#fdf3f3}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600;padding:.3rem 0}
"""


GREEN, RED = "#2e7d32", "#b3261e"
TOP_BUCKET = 16  # the last bar holds everything over grade 15


def _bucket(grade: float) -> int:
    """The bar a grade belongs to: bar k holds grades over k-1 up to k, so a text at the limit sits in the
    limit's own bar, left of the line, and every text right of the line is over the limit."""
    return min(max(0, math.ceil(grade)), TOP_BUCKET)


def _chart(report: Report) -> str:
    """A bar chart of how many texts sit at each whole grade, with the limit drawn as a line.

    Colours follow the rule exactly: the part of a bar for texts over the limit is red (and striped, for
    readers who do not see red); texts at or under the limit are green."""
    limit = report.max_grade
    total: Counter[int] = Counter()
    over: Counter[int] = Counter()
    for t in report.graded():
        if t.grade is None:
            continue
        bucket = _bucket(t.grade.grade)
        total[bucket] += 1
        over[bucket] += int(t.grade.grade > limit)
    top = max(total.values(), default=1)
    width, height, pad = 720, 260, 40
    bar = (width - 2 * pad) / (TOP_BUCKET + 1)
    parts = [
        f'<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height + 40}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Number of texts at each reading grade</title>'
        f'<desc id="chart-desc">{sum(total.values())} texts graded one by one; '
        f"{sum(over.values())} over the limit of grade {limit:g}.</desc>"
        f'<defs><pattern id="over-stripes" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{RED}"/>'
        f'<rect width="2" height="6" fill="#ffffff" fill-opacity="0.45"/></pattern></defs>'
    ]
    for grade in range(TOP_BUCKET + 1):
        count, red = total.get(grade, 0), over.get(grade, 0)
        x = pad + grade * bar
        h_all = (height - pad) * count / top if top else 0
        h_red = (height - pad) * red / top if top else 0
        label = f"{grade}+" if grade == TOP_BUCKET else str(grade)
        span = "grade 0" if grade == 0 else f"grades over {grade - 1} up to {label}"
        state = "none" if not count else ("all over the limit" if red == count else f"{red} over the limit")
        parts.append(
            f'<g class="bar" data-grade="{grade}" data-count="{count}" data-over="{red}">'
            f"<title>{span}: {count} texts ({state})</title>"
            f'<rect class="within" x="{x + 2:.1f}" y="{height - h_all:.1f}" width="{bar - 4:.1f}" '
            f'height="{h_all - h_red:.1f}" fill="{GREEN}"/>'
            f'<rect class="over" x="{x + 2:.1f}" y="{height - h_red:.1f}" width="{bar - 4:.1f}" '
            f'height="{h_red:.1f}" fill="url(#over-stripes)"/></g>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - h_all - 4:.1f}" font-size="12" '
                f'text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 16}" font-size="12" text-anchor="middle">{label}</text>'
        )
    limit_x = pad + (min(limit, TOP_BUCKET) + 1) * bar  # the right edge of the limit's own bar
    parts.append(
        f'<line class="limit" x1="{limit_x:.1f}" x2="{limit_x:.1f}" y1="{pad - 10}" y2="{height}" stroke="#000" '
        f'stroke-dasharray="5 4"/>'
        f'<text x="{limit_x + 4:.1f}" y="{pad - 14}" font-size="12">limit: grade {limit:g} (over it: red)</text>'
        f'<text x="{width / 2}" y="{height + 36}" font-size="13" text-anchor="middle">reading grade</text></svg>'
    )
    return "".join(parts)


def _text_rows(texts: list[ScoredText], limit: float) -> str:
    rows = []
    for t in texts:
        assert t.grade is not None
        formulas = ", ".join(f"{k.replace('_', '-')} {v:.1f}" for k, v in t.grade.formulas.items())
        over = ' class="over"' if t.grade.grade > limit else ""
        rows.append(
            f"<tr{over}><td class=num>{t.grade.grade:.1f}</td><td><code>{escape(t.item.file)}:{t.item.line}</code></td>"
            f"<td>{escape(t.item.field)}</td><td>{escape(formulas)}</td><td>{escape(clip(t.item.text, 240))}</td></tr>"
        )
    return "".join(rows)


_TEXT_HEAD = "<thead><tr><th>Grade</th><th>Where</th><th>Part</th><th>Formulas</th><th>Text</th></tr></thead>"
_FILE_HEAD = "<thead><tr><th>Grade</th><th>File</th><th>Words</th><th>Sentences</th></tr></thead>"


def _file_rows(files: list[tuple[str, Grade]], limit: float) -> str:
    return "".join(
        f"<tr{' class=over' if g.grade > limit else ''}><td class=num>{g.grade:.1f}</td>"
        f"<td><code>{escape(f)}</code></td><td class=num>{g.words}</td><td class=num>{g.sentences}</td></tr>"
        for f, g in files
    )


def _left_out(report: Report) -> str:
    """Files patients do not get at all: first on the page, in plain words."""
    problems = report.left_out()
    if not problems:
        return ""
    items = "".join(
        f"<li><code>{escape(p.location())}</code>: {escape(p.message)} <strong>What to change:</strong> "
        f"{escape(p.fix)}</li>"
        for p in problems
    )
    return (
        f'<section class="left-out" aria-labelledby="left-out"><h2 id="left-out">Not shown to patients '
        f"({len(report.skipped_files)} file(s))</h2><p>Patients do not get these files at all until they are "
        f"fixed. Fix these first.</p><ul>{items}</ul></section>"
    )


def as_html(report: Report, title: str = "plainhealth content check", extra: str = "") -> str:
    """The report page; ``extra`` is an already-escaped HTML section (the lesson insights) put after the problems."""
    verdict = "pass" if report.passed() else "fail"
    limit = report.max_grade
    rows = []
    for p in report.problems:
        grade = f"{p.grade:.1f}" if p.grade is not None else ""
        severity = "not shown to patients" if p.skipped else p.severity
        rows.append(
            f'<tr><td class="{escape(p.severity)}">{escape(severity)}</td>'
            f"<td><code>{escape(p.location())}</code></td>"
            f"<td>{escape(p.rule)}</td><td class=num>{grade}</td><td>{escape(p.message)}"
            f"{'<br><q>' + escape(clip(p.text, 300)) + '</q>' if p.text else ''}</td><td>{escape(p.fix)}</td></tr>"
        )
    texts = sorted(report.graded(), key=lambda t: -(t.grade.grade if t.grade else 0))
    over = [t for t in texts if t.grade and t.grade.grade > limit]
    within = [t for t in texts if t.grade and t.grade.grade <= limit]
    files = sorted(report.documents.items(), key=lambda kv: -kv[1].grade)
    files_over = [(f, g) for f, g in files if g.grade > limit]
    files_within = [(f, g) for f, g in files if g.grade <= limit]
    over_table = (
        f"<table>{_TEXT_HEAD}<tbody>{_text_rows(over, limit)}</tbody></table>"
        if over
        else f"<p class=pass>None: every text graded one by one is at or under grade {limit:g}.</p>"
    )
    files_over_table = (
        f"<table>{_FILE_HEAD}<tbody>{_file_rows(files_over, limit)}</tbody></table>"
        if files_over
        else f"<p class=pass>None: every file as a whole is at or under grade {limit:g}.</p>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>
<h1>{escape(title)}</h1>
<p class="{verdict}"><strong>{escape(report.summary())}</strong></p>
<p>Made {dt.datetime.now().strftime("%Y-%m-%d %H:%M")}. Grades combine Flesch-Kincaid and Coleman-Liau, and SMOG
for texts of 10 or more sentences. Short texts (under 10 words) are graded together per file.</p>
{_left_out(report)}
<figure>{_chart(report)}<figcaption>How many texts graded one by one sit at each reading grade. The bar at a
grade holds the texts above the grade before it, up to that grade (the bar at {limit:g} holds grades up to
{limit:g} exactly). Green is at or under the limit of grade {limit:g}: fine. Red and striped, right of the
dashed line, is over the limit: these need work.</figcaption></figure>
<h2 id="problems">Problems, worst first ({len(report.problems)})</h2>
<table><thead><tr><th>Severity</th><th>Where</th><th>Rule</th><th>Grade</th><th>What is wrong</th>
<th>What to change</th></tr></thead><tbody>{"".join(rows) or "<tr><td colspan=6>No problems.</td></tr>"}</tbody></table>
{extra}<h2 id="files">Files over the limit as a whole ({len(files_over)} of {len(files)})</h2>
{files_over_table}
<details><summary>Files at or under the limit ({len(files_within)}), hardest first</summary>
<table>{_FILE_HEAD}<tbody>{_file_rows(files_within, limit)}</tbody></table></details>
<h2 id="texts">Texts over the limit ({len(over)} of the {len(texts)} graded one by one)</h2>
<p>Of the {len(report.texts)} texts checked, {len(texts)} are long enough to grade one by one (counted here);
{len(report.pooled())} short ones (under 10 words) are graded together per file, and {len(report.names())}
titles and buttons are checked for hard words only.</p>
{over_table}
<details><summary>Texts at or under the limit ({len(within)}), hardest first</summary>
<table>{_TEXT_HEAD}<tbody>{_text_rows(within, limit)}</tbody></table></details>
</main></body></html>
"""
