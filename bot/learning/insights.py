"""What patients did with the lessons, for the educators who write them.

Per module: how many started and finished, where the others stopped, teach-back results per question,
"was this clear?" ratings and the feedback people typed; and the words and topics patients asked for that the
content does not cover. Only counts and the patients' own feedback words: no ids.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

from sqlalchemy import select

from bot.content.models import Library
from bot.contracts import LessonStage
from bot.storage.db import Database
from bot.storage.models import Feedback, LessonProgress, TeachBackAnswer, UnmetRequest

FEEDBACK_SHOWN = 10


@dataclass
class QuestionResult:
    index: int
    question: str
    answered: int = 0
    correct: int = 0

    @property
    def share_right(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


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


@dataclass
class Insights:
    modules: list[ModuleInsight]
    unmet_terms: list[tuple[str, int]]
    unmet_topics: list[tuple[str, int]]


def gather(db: Database, library: Library) -> Insights:
    modules: dict[str, ModuleInsight] = {
        m.id: ModuleInsight(m.id, m.title) for m in sorted(library.modules.values(), key=lambda m: m.title.lower())
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
                result = QuestionResult(answer.question_index, answer.question)
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
        unmet = Counter((u.kind, u.text) for u in session.scalars(select(UnmetRequest)))
    for item in modules.values():
        item.questions.sort(key=lambda q: q.index)
    ordered = sorted(modules.values(), key=lambda m: (-m.started, m.title.lower()))
    by_kind = {kind: sorted(((text, n) for (k, text), n in unmet.items() if k == kind), key=lambda x: (-x[1], x[0]))
               for kind in ("term", "topic")}
    return Insights(ordered, by_kind["term"], by_kind["topic"])


def _clarity(counter: Counter[str]) -> str:
    total = sum(counter.values())
    if not total:
        return "no ratings"
    return f"{counter['clear']} clear, {counter['partly']} partly, {counter['unclear']} hard (of {total})"


def as_text(insights: Insights) -> str:
    lines = ["What patients did with the lessons", ""]
    lines.append(f"{'Module':<34} {'Started':>7} {'Finished':>8}  Clear?")
    for m in insights.modules:
        lines.append(f"{m.title[:34]:<34} {m.started:>7} {m.finished:>8}  {_clarity(m.clarity)}")
    for m in insights.modules:
        if not (m.stopped_at or m.questions or m.feedback):
            continue
        lines += ["", f"== {m.title} =="]
        if m.stopped_at:
            lines.append("  Stopped at: " + "; ".join(f"{title} ({n})" for title, n in m.stopped_at.most_common()))
        for q in m.questions:
            lines.append(f"  Teach-back {q.index + 1}: {q.correct} of {q.answered} right "
                         f"({q.share_right:.0%}): {q.question}")
        for section, text in m.feedback[:FEEDBACK_SHOWN]:
            where = f" [{section}]" if section else ""
            lines.append(f"  Feedback{where}: {text}")
    lines += ["", "Words patients asked about that the glossary does not have:"]
    lines += [f"  {text} ({n})" for text, n in insights.unmet_terms] or ["  none"]
    lines += ["Topics patients asked for that no lesson covers:"]
    lines += [f"  {text} ({n})" for text, n in insights.unmet_topics] or ["  none"]
    return "\n".join(lines)


def as_html_section(insights: Insights) -> str:
    """The same, as a section of the content report (everything escaped, no scripts)."""
    rows = "".join(
        f"<tr><td>{escape(m.title)}</td><td class=num>{m.started}</td><td class=num>{m.finished}</td>"
        f"<td>{escape('; '.join(f'{t} ({n})' for t, n in m.stopped_at.most_common()) or '-')}</td>"
        f"<td>{escape('; '.join(f'{q.index + 1}: {q.correct}/{q.answered}' for q in m.questions) or '-')}</td>"
        f"<td>{escape(_clarity(m.clarity))}</td></tr>"
        for m in insights.modules
    )
    notes = "".join(
        f"<tr><td>{escape(m.title)}</td><td>{escape(section or '-')}</td><td>{escape(text)}</td></tr>"
        for m in insights.modules for section, text in m.feedback[:FEEDBACK_SHOWN]
    )
    questions = "".join(
        f"<tr><td>{escape(m.title)}</td><td>{escape(q.question)}</td><td class=num>{q.correct} of {q.answered}"
        f" ({q.share_right:.0%})</td></tr>"
        for m in insights.modules for q in m.questions
    )

    def unmet(items: list[tuple[str, int]]) -> str:
        return "".join(f"<li>{escape(text)} ({n})</li>" for text, n in items) or "<li>None yet.</li>"

    return f"""<h2 id="insights">What patients did with the lessons</h2>
<table><thead><tr><th>Module</th><th>Started</th><th>Finished</th><th>Where others stopped</th>
<th>Teach-back right</th><th>Was it clear?</th></tr></thead><tbody>{rows}</tbody></table>
<h3>Teach-back questions</h3>
<table><thead><tr><th>Module</th><th>Question</th><th>Right</th></tr></thead>
<tbody>{questions or "<tr><td colspan=3>No answers yet.</td></tr>"}</tbody></table>
<h3>Feedback patients typed</h3>
<table><thead><tr><th>Module</th><th>Section</th><th>Feedback</th></tr></thead>
<tbody>{notes or "<tr><td colspan=3>No feedback yet.</td></tr>"}</tbody></table>
<h3>Words patients asked about that the glossary does not have</h3><ul>{unmet(insights.unmet_terms)}</ul>
<h3>Topics patients asked for that no lesson covers</h3><ul>{unmet(insights.unmet_topics)}</ul>
"""
