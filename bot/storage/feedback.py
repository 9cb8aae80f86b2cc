"""Saving and reading patients' feedback."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot.storage.db import Database
from bot.storage.models import Feedback


def save_feedback(
    db: Database,
    patient: str,
    text: str,
    module_id: str | None = None,
    section: str | None = None,
    rating: str | None = None,
) -> int:
    with db.session() as session:
        row = Feedback(patient=patient, text=text[:4000], module_id=module_id, section=section, rating=rating)
        session.add(row)
        session.flush()
        return int(row.id)


def feedback_for(db: Database, patient: str) -> list[Feedback]:
    with db.session() as session:
        return list(session.scalars(select(Feedback).where(Feedback.patient == patient).order_by(Feedback.id)))


def count_feedback(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Feedback)) or 0)


def delete_patient_feedback(db: Database, patient: str) -> int:
    with db.session() as session:
        result = session.execute(delete(Feedback).where(Feedback.patient == patient))
        return int(result.rowcount or 0)
