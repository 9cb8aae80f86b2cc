"""Appointments, checklist ticks, the patient's question list, reminders and print links.

Everything is keyed by the pseudonymous patient id. A reminder also keeps the conversation id it must be
delivered to, encrypted with the server's secret, and forgets it once the reminder is sent or cancelled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from bot.storage.db import Database
from bot.storage.models import Appointment, ChecklistTick, PrintLink, QuestionItem, Reminder, utcnow

MAX_QUESTIONS = 10


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; every time we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


# Appointments and their checklist ------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    id: int
    appointment_type: str
    checklist_id: str | None
    day: dt.date | None
    step: int
    ticked: frozenset[int]


def _visit(session: object, row: Appointment) -> Visit:
    ticks = session.scalars(  # type: ignore[attr-defined]
        select(ChecklistTick.item).where(ChecklistTick.appointment_id == row.id, ChecklistTick.done.is_(True))
    )
    return Visit(
        int(row.id),
        str(row.appointment_type),
        row.checklist_id,
        row.day,
        int(row.step),
        frozenset(int(t) for t in ticks),
    )


def save_appointment(
    db: Database, patient: str, appointment_type: str, checklist_id: str | None, day: dt.date | None
) -> Visit:
    with db.session() as session:
        row = Appointment(
            patient=patient, appointment_type=appointment_type, checklist_id=checklist_id, day=day, step=0
        )
        session.add(row)
        session.flush()
        return _visit(session, row)


def current_visit(db: Database, patient: str, today: dt.date | None = None) -> Visit | None:
    """The patient's latest appointment that has not passed (one without a day counts as upcoming)."""
    with db.session() as session:
        query = select(Appointment).where(Appointment.patient == patient)
        if today is not None:
            query = query.where((Appointment.day.is_(None)) | (Appointment.day >= today))
        row = session.scalar(query.order_by(Appointment.id.desc()).limit(1))
        return _visit(session, row) if row else None


def get_visit(db: Database, visit_id: int) -> Visit | None:
    with db.session() as session:
        row = session.get(Appointment, visit_id)
        return _visit(session, row) if row else None


def set_step(db: Database, visit_id: int, step: int) -> None:
    with db.session() as session:
        session.execute(update(Appointment).where(Appointment.id == visit_id).values(step=step, updated_at=utcnow()))


def tick(db: Database, visit_id: int, item: int, text: str, done: bool = True) -> None:
    with db.session() as session:
        row = session.scalar(
            select(ChecklistTick).where(ChecklistTick.appointment_id == visit_id, ChecklistTick.item == item)
        )
        if row is None:
            session.add(ChecklistTick(appointment_id=visit_id, item=item, text=text, done=done))
        else:
            row.done, row.text, row.updated_at = done, text, utcnow()


# My questions ------------------------------------------------------------------------------------------------


def questions(db: Database, patient: str) -> list[str]:
    with db.session() as session:
        rows = session.scalars(
            select(QuestionItem).where(QuestionItem.patient == patient).order_by(QuestionItem.position, QuestionItem.id)
        )
        return [str(r.text) for r in rows]


def add_question(db: Database, patient: str, text: str, source: str | None = None) -> int:
    """Append; returns the new list length."""
    with db.session() as session:
        count = int(
            session.scalar(select(func.count()).select_from(QuestionItem).where(QuestionItem.patient == patient)) or 0
        )
        session.add(QuestionItem(patient=patient, position=count, text=text, source=source))
        return count + 1


def _rewrite(db: Database, patient: str, texts_and_sources: list[tuple[str, str | None]]) -> None:
    with db.session() as session:
        session.execute(delete(QuestionItem).where(QuestionItem.patient == patient))
        for position, (text, source) in enumerate(texts_and_sources):
            session.add(QuestionItem(patient=patient, position=position, text=text, source=source))


def _items(db: Database, patient: str) -> list[tuple[str, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(QuestionItem).where(QuestionItem.patient == patient).order_by(QuestionItem.position, QuestionItem.id)
        )
        return [(str(r.text), r.source) for r in rows]


def remove_question(db: Database, patient: str, index: int) -> str | None:
    items = _items(db, patient)
    if not 0 <= index < len(items):
        return None
    removed = items.pop(index)
    _rewrite(db, patient, items)
    return removed[0]


def move_question(db: Database, patient: str, index: int, target: int) -> bool:
    items = _items(db, patient)
    if not (0 <= index < len(items) and 0 <= target < len(items)):
        return False
    items.insert(target, items.pop(index))
    _rewrite(db, patient, items)
    return True


def clear_questions(db: Database, patient: str) -> int:
    with db.session() as session:
        return int(session.execute(delete(QuestionItem).where(QuestionItem.patient == patient)).rowcount or 0)


# Reminders ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRow:
    id: int
    patient: str
    appointment_id: int
    conversation: str
    fire_at: dt.datetime
    status: str


def _reminder(row: Reminder) -> ReminderRow:
    return ReminderRow(
        int(row.id),
        str(row.patient),
        int(row.appointment_id),
        str(row.conversation or ""),
        aware(row.fire_at) or utcnow(),
        str(row.status),
    )


def schedule_reminder(
    db: Database, patient: str, appointment_id: int, conversation: str, fire_at: dt.datetime
) -> ReminderRow:
    """One reminder per appointment: a new one replaces any that is still waiting."""
    with db.session() as session:
        session.execute(
            update(Reminder)
            .where(Reminder.appointment_id == appointment_id, Reminder.status == "scheduled")
            .values(status="replaced", conversation="")
        )
        row = Reminder(
            patient=patient,
            appointment_id=appointment_id,
            conversation=conversation,
            fire_at=fire_at,
            status="scheduled",
        )
        session.add(row)
        session.flush()
        return _reminder(row)


def waiting_reminders(
    db: Database,
    patient: str | None = None,
    due_before: dt.datetime | None = None,
) -> list[ReminderRow]:
    with db.session() as session:
        query = select(Reminder).where(Reminder.status == "scheduled")
        if patient is not None:
            query = query.where(Reminder.patient == patient)
        if due_before is not None:
            query = query.where(Reminder.fire_at <= due_before)
        return [_reminder(r) for r in session.scalars(query.order_by(Reminder.fire_at))]


def get_reminder(db: Database, reminder_id: int) -> ReminderRow | None:
    with db.session() as session:
        row = session.get(Reminder, reminder_id)
        return _reminder(row) if row else None


def finish_reminder(db: Database, reminder_id: int, status: str) -> bool:
    """Mark sent, cancelled or missed, once: False when it was no longer waiting (never send twice)."""
    with db.session() as session:
        result = session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.status == "scheduled")
            .values(status=status, conversation="", sent_at=utcnow())
        )
        return bool(result.rowcount)


# Print links -------------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_print_link(db: Database, patient: str, hours: int, now: dt.datetime | None = None) -> str:
    """A new unguessable token (only its hash is stored), valid for ``hours``."""
    now = now or utcnow()
    token = secrets.token_urlsafe(24)
    with db.session() as session:
        session.add(PrintLink(patient=patient, token_hash=_hash(token), expires_at=now + dt.timedelta(hours=hours)))
    return token


def print_link_patient(db: Database, token: str, now: dt.datetime | None = None) -> tuple[str | None, bool]:
    """(patient, expired) for a token; (None, False) when there is no such link."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None, False
    with db.session() as session:
        row = session.scalar(select(PrintLink).where(PrintLink.token_hash == _hash(token)))
        if row is None:
            return None, False
        expires = aware(row.expires_at)
        return str(row.patient), bool(expires and expires <= now)
