"""What patients did with the lessons, for the educators who write them.

Per module: how many started and finished, where the others stopped, teach-back results per question,
"was this clear?" ratings and the feedback people typed; and the words and topics patients asked for that the
content does not cover. Only counts and the patients' own feedback words: no ids. Each item names the file
to edit, and the report says which days it covers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from sqlalchemy import func, select

from bot.content.models import Library
from bot.contracts import LessonStage
from bot.learning.terms import asked_word
from bot.storage.db import Database
from bot.storage.models import Feedback, LessonProgress, TeachBackAnswer, UnmetRequest
from bot.storage.visits import aware
from bot.text import STOPWORDS

FEEDBACK_SHOWN = 10
TITLE = "What patients did with the lessons"
# Words that say how a patient asked, not what about: "what does my doctor mean by X" is about X.
_ASKING_TEXT = """
word words term terms medical mean meant meaning means called call stand stands for sorry thanks thank hi hello
hey ok okay dont don't didnt didn't cant can't im i'm understand understood heard hear saw see letter results
result report paper write wrote written
"""
_ASKING_WORDS = frozenset(_ASKING_TEXT.split())
_WORD = re.compile(r"[a-z0-9][a-z0-9'/+-]*")


@dataclass
class QuestionResult:
    index: int
    question: str
    answered: int = 0
    correct: int = 0
    line: int = 0  # the question's line in the module file

    @property
    def share_right(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    def sentence(self) -> str:
        """ "2 of 3 got question 1 right"."""
        return f"{self.correct} of {self.answered} got question {self.index + 1} right"


@dataclass
class ModuleInsight:
    module_id: str
    title: str
    started: int = 0
    finished: int = 0
    stopped_at: Counter[str] = field(default_factory=Counter)
    questions: list[QuestionResult] = field(default_factory=list)
    clarity: Counter[str] = field(default_factory=Counter)
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (section or "", text), newest first
    path: str = ""  # the file to edit ("" when the module is no longer in the content)
    section_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Insights:
    modules: list[ModuleInsight]
    unmet_terms: list[tuple[str, int]]  # (the word or words asked about, how many times)
    unmet_topics: list[tuple[str, int]]
    period: tuple[dt.date, dt.date] | None = None  # the first and last day with any activity
    glossary_file: str = ""
    modules_folder: str = ""
    root: Path | None = None  # the folder the file names are relative to, for links


def asked_about(text: str) -> str:
    """The word or words a patient asked about, without the question around them: "what does my doctor mean
    by hyperlipidemia?" -> "hyperlipidemia". Requests stored as whole sentences read as the words alone."""
    core = asked_word(text).lower()
    tokens = _WORD.findall(core)
    kept = [t for t in tokens if t not in STOPWORDS and t not in _ASKING_WORDS]
    if not kept:
        return " ".join(tokens) or core.strip()
    return " ".join(kept[-3:])


def _day(moment: object) -> dt.date | None:
    found = aware(moment) if isinstance(moment, dt.datetime) else None
    return found.date() if found else None


def gather(db: Database, library: Library) -> Insights:
    modules: dict[str, ModuleInsight] = {
        m.id: ModuleInsight(
            m.id,
            m.title,
            path=m.path,
            section_lines={s.title: s.line for s in m.sections},
        )
        for m in sorted(library.modules.values(), key=lambda m: m.title.lower())
    }

    def insight(module_id: str) -> ModuleInsight:
        if module_id not in modules:  # a module since removed from the content still shows its history
            modules[module_id] = ModuleInsight(module_id, f"{module_id} (no longer in the content)")
        return modules[module_id]

    with db.session() as session:
        for row in session.scalars(select(LessonProgress)):
            item = insight(row.module_id)
            item.started += 1
            if row.finished_at is not None or row.stage in (LessonStage.CLARITY, LessonStage.FINISHED):
                item.finished += 1
            elif row.stage == LessonStage.TEACH_BACK:
                item.stopped_at["at the teach-back questions"] += 1
            else:
                module = library.modules.get(row.module_id)
                sections = module.sections if module else ()
                title = sections[row.section].title if 0 <= row.section < len(sections) else f"part {row.section + 1}"
                item.stopped_at[title] += 1
        for answer in session.scalars(select(TeachBackAnswer).order_by(TeachBackAnswer.id)):
            item = insight(answer.module_id)
            result = next((q for q in item.questions if q.index == answer.question_index), None)
            if result is None:
                module = library.modules.get(answer.module_id)
                line = module.lines.get(f"teach_back[{answer.question_index}].question", 0) if module else 0
                result = QuestionResult(answer.question_index, answer.question, line=line)
                item.questions.append(result)
            result.answered += 1
            result.correct += int(bool(answer.correct))
        for note in session.scalars(select(Feedback).order_by(Feedback.id.desc())):
            if not note.module_id:
                continue
            item = insight(note.module_id)
            if note.rating:
                item.clarity[note.rating] += 1
            if note.text:
                item.feedback.append((note.section or "", note.text))
        unmet = Counter(
            (u.kind, asked_about(u.text) if u.kind == "term" else " ".join(u.text.split()))
            for u in session.scalars(select(UnmetRequest))
        )
        days: list[dt.date] = []
        for column in (
            LessonProgress.started_at,
            LessonProgress.updated_at,
            TeachBackAnswer.created_at,
            Feedback.created_at,
            UnmetRequest.created_at,
        ):
            first, last = session.execute(select(func.min(column), func.max(column))).one()
            days += [d for d in (_day(first), _day(last)) if d]
    for item in modules.values():
        item.questions.sort(key=lambda q: q.index)
    ordered = sorted(modules.values(), key=lambda m: (-m.started, m.title.lower()))
    by_kind = {
        kind: sorted(((text, n) for (k, text), n in unmet.items() if k == kind and text), key=lambda x: (-x[1], x[0]))
        for kind in ("term", "topic")
    }
    content = Path(library.content_dir)
    return Insights(
        ordered,
        by_kind["term"],
        by_kind["topic"],
        period=(min(days), max(days)) if days else None,
        glossary_file=library.glossary.path if library.glossary else f"{content.name}/glossary.yml",
        modules_folder=f"{content.name}/modules/",
        root=content.resolve().parent,
    )


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_text(insights: Insights) -> str:
    if insights.period is None:
        return "No activity yet."
    first, last = insights.period
    if first == last:
        return f"Period covered: {_date(first)} (all the activity in the assistant's database)."
    return f"Period covered: {_date(first)} to {_date(last)} (all the activity in the assistant's database)."


def _clarity(counter: Counter[str]) -> str:
    total = sum(counter.values())
    if not total:
        return "no ratings"
    return f"{counter['clear']} clear, {counter['partly']} partly, {counter['unclear']} hard (of {total})"


def _times(n: int) -> str:
    return "asked once" if n == 1 else f"asked {n} times"


def _at(path: str, line: int) -> str:
    return f"{path}:{line}" if path and line else path


def as_text(insights: Insights) -> str:
    lines = [TITLE, period_text(insights), ""]
    lines.append(f"{'Module':<34} {'Started':>7} {'Finished':>8}  Clear?")
    for m in insights.modules:
        lines.append(f"{m.title[:34]:<34} {m.started:>7} {m.finished:>8}  {_clarity(m.clarity)}")
    for m in insights.modules:
        if not (m.stopped_at or m.questions or m.feedback):
            continue
        lines += ["", f"== {m.title} ==" + (f" (edit {m.path})" if m.path else "")]
        if m.stopped_at:
            lines.append("  Stopped at: " + "; ".join(f"{title} ({n})" for title, n in m.stopped_at.most_common()))
        for q in m.questions:
            where = f" Edit: {_at(m.path, q.line)}" if m.path else ""
            lines.append(f'  {q.sentence()} ({q.share_right:.0%}): "{q.question}".{where}')
        for section, text in m.feedback[:FEEDBACK_SHOWN]:
            where = f" [{section}]" if section else ""
            lines.append(f"  Feedback{where}: {text}")
    lines += ["", f"Words patients asked about that the glossary does not have (add them to {insights.glossary_file}):"]
    lines += [f"  {text} ({_times(n)})" for text, n in insights.unmet_terms] or ["  none"]
    lines += [f"Topics patients asked for that no lesson covers (add a lesson in {insights.modules_folder}):"]
    lines += [f"  {text} ({_times(n)})" for text, n in insights.unmet_topics] or ["  none"]
    return "\n".join(lines)


def _file(insights: Insights, path: str, line: int = 0) -> str:
    """The file to edit, as a link that opens it (the report is read on the machine that has the content)."""
    if not path:
        return "-"
    label = f"<code>{escape(_at(path, line))}</code>"
    if insights.root is None:
        return label
    target = insights.root / path
    return f'<a href="{escape(target.as_uri())}">{label}</a>'


def as_html_section(insights: Insights) -> str:
    """The same, as a section of the content report (everything escaped, no scripts)."""
    rows = "".join(
        f"<tr><td>{escape(m.title)}</td><td>{_file(insights, m.path)}</td><td class=num>{m.started}</td>"
        f"<td class=num>{m.finished}</td>"
        f"<td>{escape('; '.join(f'{t} ({n})' for t, n in m.stopped_at.most_common()) or '-')}</td>"
        f"<td>{escape('. '.join(q.sentence() for q in m.questions) + '.' if m.questions else '-')}</td>"
        f"<td>{escape(_clarity(m.clarity))}</td></tr>"
        for m in insights.modules
    )
    notes = "".join(
        f"<tr><td>{escape(m.title)}</td><td>{escape(section or '-')}</td><td>{escape(text)}</td>"
        f"<td>{_file(insights, m.path, m.section_lines.get(section, 0))}</td></tr>"
        for m in insights.modules
        for section, text in m.feedback[:FEEDBACK_SHOWN]
    )
    questions = "".join(
        f"<tr><td>{escape(m.title)}</td><td>{escape(q.question)}</td>"
        f"<td>{escape(q.sentence())} ({q.share_right:.0%}).</td><td>{_file(insights, m.path, q.line)}</td></tr>"
        for m in insights.modules
        for q in m.questions
    )

    def unmet(items: list[tuple[str, int]]) -> str:
        return "".join(f"<li>{escape(text)} ({_times(n)})</li>" for text, n in items) or "<li>None yet.</li>"

    return f"""<h2 id="insights">{TITLE}</h2>
<p class="period">{escape(period_text(insights))}</p>
<table><thead><tr><th>Module</th><th>File to edit</th><th>Started</th><th>Finished</th><th>Where others stopped</th>
<th>Teach-back</th><th>Was it clear?</th></tr></thead><tbody>{rows}</tbody></table>
<h3>Teach-back questions</h3>
<table><thead><tr><th>Module</th><th>Question</th><th>How patients did</th><th>File to edit</th></tr></thead>
<tbody>{questions or "<tr><td colspan=4>No answers yet.</td></tr>"}</tbody></table>
<h3>Feedback patients typed</h3>
<table><thead><tr><th>Module</th><th>Section</th><th>Feedback</th><th>File to edit</th></tr></thead>
<tbody>{notes or "<tr><td colspan=4>No feedback yet.</td></tr>"}</tbody></table>
<h3>Words patients asked about that the glossary does not have</h3>
<p>Add them to {_file(insights, insights.glossary_file)}.</p><ul>{unmet(insights.unmet_terms)}</ul>
<h3>Topics patients asked for that no lesson covers</h3>
<p>Add a lesson in <code>{escape(insights.modules_folder)}</code>.</p><ul>{unmet(insights.unmet_topics)}</ul>
"""


def as_html_page(insights: Insights, css: str = "") -> str:
    """The insights alone as a whole page, with its own main heading (for `content insights --format html`)."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{TITLE}</title>'
        f"<style>{css}</style></head><body><main><h1>{TITLE}</h1>{as_html_section(insights)}</main></body></html>\n"
    )
