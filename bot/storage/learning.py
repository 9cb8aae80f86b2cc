"""Lesson progress, teach-back answers and unmet requests: what a patient did, and what the content lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from bot.contracts import OPEN_STAGES, LessonStage
from bot.storage.db import Database
from bot.storage.models import LessonProgress, TeachBackAnswer, UnmetRequest, utcnow


@dataclass(frozen=True)
class Progress:
    module_id: str
    section: int
    part: int
    stage: str
    question: int
    updated_at: datetime


def _view(row: LessonProgress) -> Progress:
    return Progress(
        str(row.module_id), int(row.section), int(row.part), str(row.stage), int(row.question), row.updated_at
    )


def get_progress(db: Database, patient: str, module_id: str) -> Progress | None:
    with db.session() as session:
        row = session.scalar(
            select(LessonProgress).where(LessonProgress.patient == patient, LessonProgress.module_id == module_id)
        )
        return _view(row) if row else None


def save_progress(
    db: Database,
    patient: str,
    module_id: str,
    section: int = 0,
    part: int = 0,
    stage: str = LessonStage.READING,
    question: int = 0,
    restart: bool = False,
) -> Progress:
    """Create or move a patient's place in a module. ``restart`` begins again (a new start for insights)."""
    now = utcnow()
    with db.session() as session:
        row = session.scalar(
            select(LessonProgress).where(LessonProgress.patient == patient, LessonProgress.module_id == module_id)
        )
        if row is None:
            row = LessonProgress(patient=patient, module_id=module_id, started_at=now)
            session.add(row)
        elif restart:
            row.started_at = now
            row.finished_at = None
        row.section, row.part, row.stage, row.question, row.updated_at = section, part, stage, question, now
        if stage == LessonStage.FINISHED and row.finished_at is None:
            row.finished_at = now
        session.flush()
        return _view(row)


def latest_progress(db: Database, patient: str, stages: tuple[str, ...] = OPEN_STAGES) -> Progress | None:
    """The module the patient touched last, among those in ``stages``."""
    with db.session() as session:
        row = session.scalar(
            select(LessonProgress)
            .where(LessonProgress.patient == patient, LessonProgress.stage.in_(stages))
            .order_by(LessonProgress.updated_at.desc(), LessonProgress.id.desc())
            .limit(1)
        )
        return _view(row) if row else None


def record_answer(
    db: Database, patient: str, module_id: str, question_index: int, question: str, chosen: str, correct: bool
) -> None:
    with db.session() as session:
        session.add(
            TeachBackAnswer(
                patient=patient,
                module_id=module_id,
                question_index=question_index,
                question=question[:2000],
                chosen=chosen[:2000],
                correct=correct,
            )
        )


def answers_for(db: Database, patient: str) -> list[TeachBackAnswer]:
    with db.session() as session:
        return list(
            session.scalars(
                select(TeachBackAnswer).where(TeachBackAnswer.patient == patient).order_by(TeachBackAnswer.id)
            )
        )


def record_unmet(db: Database, kind: str, text: str, module_id: str | None = None) -> None:
    """Keep the word or topic (lower case, trimmed), never who asked."""
    cleaned = " ".join(text.lower().split())[:200]
    if cleaned:
        with db.session() as session:
            session.add(UnmetRequest(kind=kind, text=cleaned, module_id=module_id))


def unmet_requests(db: Database, kind: str | None = None) -> list[UnmetRequest]:
    with db.session() as session:
        query = select(UnmetRequest).order_by(UnmetRequest.id)
        if kind:
            query = query.where(UnmetRequest.kind == kind)
        return list(session.scalars(query))


def delete_patient_learning(db: Database, patient: str) -> int:
    with db.session() as session:
        removed = 0
        for model in (LessonProgress, TeachBackAnswer):
            removed += int(session.execute(delete(model).where(model.patient == patient)).rowcount or 0)
        return removed
