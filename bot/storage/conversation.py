"""What the assistant last asked each patient (see bot/conversation/core.py)."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import ConversationState, utcnow


def asked(db: Database, patient: str) -> tuple[str | None, str]:
    """(awaiting, turn) last stored for the patient; (None, "") when nothing was asked."""
    with db.session() as session:
        row = session.scalar(select(ConversationState).where(ConversationState.patient == patient))
        return (str(row.awaiting) if row.awaiting else None, str(row.turn)) if row else (None, "")


def remember_asked(db: Database, patient: str, awaiting: str | None, turn: str) -> None:
    with db.session() as session:
        row = session.get(ConversationState, patient)
        if row is None:
            session.add(ConversationState(patient=patient, awaiting=awaiting, turn=turn, updated_at=utcnow()))
        else:
            row.awaiting, row.turn, row.updated_at = awaiting, turn, utcnow()


def note_shown(db: Database, patient: str) -> str | None:
    with db.session() as session:
        row = session.get(ConversationState, patient)
        return str(row.note_shown) if row is not None and row.note_shown else None


def remember_note_shown(db: Database, patient: str, version: str) -> None:
    with db.session() as session:
        row = session.get(ConversationState, patient)
        if row is None:
            session.add(
                ConversationState(patient=patient, awaiting=None, turn="", note_shown=version, updated_at=utcnow())
            )
        else:
            row.note_shown = version
