"""The check's report as text for a terminal and as JSON for machines."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from bot.content.check import Report, clip


def _excerpt(text: str, width: int = 100) -> str:
    """One line, cut at a word boundary with an ellipsis."""
    return clip(text, width - 1)


def as_text(report: Report, show_warnings: bool = True) -> str:
    lines: list[str] = []
    for problem in report.problems:
        if problem.severity == "warning" and not show_warnings:
            continue
        grade = f" [grade {problem.grade:.1f}]" if problem.grade is not None else ""
        lines.append(f"{problem.location()}: {problem.severity} ({problem.rule}){grade}: {problem.message}")
        if problem.text and problem.rule not in ("format",) or (problem.rule == "format" and problem.text):
            lines.append(f'    text: "{_excerpt(problem.text)}"')
        lines.extend(textwrap.wrap(problem.fix, width=110, initial_indent="    fix:  ", subsequent_indent="          "))
    if lines:
        lines.append("")
    lines.append(report.summary())
    return "\n".join(lines)


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "passed": report.passed(),
        "max_grade": report.max_grade,
        "max_sentence_words": report.max_sentence_words,
        "summary": report.summary(),
        "counts": {
            "files": len(report.files),
            "texts": len(report.texts),
            "graded_one_by_one": len(report.graded()),
            "short_graded_together": len(report.pooled()),
            "titles_and_buttons": len(report.names()),
            "over_limit": len(report.over_limit()),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "skipped_files": len(report.skipped_files),
        },
        "seconds": round(report.seconds, 3),
        "skipped_files": report.skipped_files,
        "problems": [p.as_dict() for p in report.problems],
        "texts": [
            {
                "file": t.item.file,
                "line": t.item.line,
                "field": t.item.field,
                "kind": t.item.kind,
                "words": len(t.item.text.split()),
                "grade": t.grade.grade if t.grade else None,
                "formulas": dict(t.grade.formulas) if t.grade else {},
                "text": t.item.text,
            }
            for t in report.texts
        ],
        "documents": {
            file: {"grade": g.grade, "formulas": dict(g.formulas), "words": g.words, "sentences": g.sentences}
            for file, g in report.documents.items()
        },
    }


def as_json(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False)
