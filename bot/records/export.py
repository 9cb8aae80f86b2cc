"""Everything held about one patient, for an access request ("what do you have about me?").

One dict, ready for ``json.dumps``: the pseudonym and conversation ids, then every kind of row the app keeps
(the same kinds `forget` deletes) and the chat itself from Rasa's store. Sealed values the patient gave us
(call-back details, the Telegram chat id) are opened, because they are the patient's own data. Left out:
anything about other patients, the server's secrets and keys, hashes of print-link tokens (a secret, not
data about the patient), and staff account ids (staff are named as the patient saw them in the chat).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot import privacy
from bot.records import audit
from bot.records.identity import resolve
from bot.records.times import as_utc, iso
from bot.records.tracker import TrackerEvents
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.models import (
    AccessAudit,
    Appointment,
    ChecklistTick,
    Consent,
    ConversationState,
    Feedback,
    HandoffMessage,
    HandoffTicket,
    LessonProgress,
    PrintLink,
    QuestionItem,
    Reminder,
    TeachBackAnswer,
    TelegramChat,
)

FORMAT = "plainhealth-export/1"
SPEAKERS = {"patient": "you", "bot": "assistant", "system": "note"}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _opened(sealed: str | None, secret: bytes) -> str | None:
    return privacy.unseal(sealed, secret) if sealed else None


def _app_data(db: Database, secret: bytes, patient: str, conversations: set[str]) -> dict[str, Any]:
    with db.session() as s:
        lessons = [
            {
                "module": r.module_id,
                "section": r.section,
                "part": r.part,
                "stage": r.stage,
                "started_at": iso(r.started_at),
                "updated_at": iso(r.updated_at),
                "finished_at": iso(r.finished_at),
            }
            for r in s.scalars(
                select(LessonProgress).where(LessonProgress.patient == patient).order_by(LessonProgress.id)
            )
        ]
        answers = [
            {
                "module": r.module_id,
                "question": r.question,
                "chosen": r.chosen,
                "correct": bool(r.correct),
                "at": iso(r.created_at),
            }
            for r in s.scalars(
                select(TeachBackAnswer).where(TeachBackAnswer.patient == patient).order_by(TeachBackAnswer.id)
            )
        ]
        visits = []
        for r in s.scalars(select(Appointment).where(Appointment.patient == patient).order_by(Appointment.id)):
            ticks = [
                {"item": t.item, "text": t.text, "done": bool(t.done), "updated_at": iso(t.updated_at)}
                for t in s.scalars(
                    select(ChecklistTick).where(ChecklistTick.appointment_id == r.id).order_by(ChecklistTick.item)
                )
            ]
            visits.append(
                {
                    "id": r.id,
                    "kind": r.appointment_type,
                    "checklist": r.checklist_id,
                    "day": _date(r.day),
                    "step": r.step,
                    "created_at": iso(r.created_at),
                    "updated_at": iso(r.updated_at),
                    "checklist_ticks": ticks,
                }
            )
        questions = [
            {"position": r.position + 1, "text": r.text, "source": r.source, "added_at": iso(r.created_at)}
            for r in s.scalars(
                select(QuestionItem)
                .where(QuestionItem.patient == patient)
                .order_by(QuestionItem.position, QuestionItem.id)
            )
        ]
        reminders = [
            {
                "visit": r.appointment_id,
                "fire_at": iso(r.fire_at),
                "status": r.status,
                "created_at": iso(r.created_at),
                "sent_at": iso(r.sent_at),
            }
            for r in s.scalars(select(Reminder).where(Reminder.patient == patient).order_by(Reminder.id))
        ]
        links = [
            {"created_at": iso(r.created_at), "expires_at": iso(r.expires_at)}
            for r in s.scalars(select(PrintLink).where(PrintLink.patient == patient).order_by(PrintLink.id))
        ]
        feedback = [
            {"module": r.module_id, "section": r.section, "rating": r.rating, "text": r.text, "at": iso(r.created_at)}
            for r in s.scalars(select(Feedback).where(Feedback.patient == patient).order_by(Feedback.id))
        ]
        tickets = []
        for r in s.scalars(select(HandoffTicket).where(HandoffTicket.patient == patient).order_by(HandoffTicket.id)):
            lines = [
                {"at": iso(m.at), "from": SPEAKERS.get(str(m.sender), m.name or "clinic team"), "text": m.text}
                for m in s.scalars(
                    select(HandoffMessage)
                    .where(HandoffMessage.ticket_id == r.id)
                    .order_by(HandoffMessage.at, HandoffMessage.id)
                )
            ]
            tickets.append(
                {
                    "id": r.id,
                    "reason": r.reason,
                    "priority": r.priority,
                    "status": r.status,
                    "channel": r.channel,
                    "was_doing": r.activity,
                    "out_of_hours": bool(r.out_of_hours),
                    "call_back": _opened(r.contact, secret),
                    "close_note": r.close_note,
                    "opened_at": iso(r.created_at),
                    "claimed_at": iso(r.claimed_at),
                    "closed_at": iso(r.closed_at),
                    "messages": lines,
                }
            )
        telegram = []
        for r in s.scalars(select(TelegramChat).order_by(TelegramChat.id)):
            if r.conversation in conversations:
                chat = _opened(str(r.chat), secret)
                telegram.append(
                    {
                        "conversation": r.conversation,
                        "chat_id": chat,
                        "blocked": bool(r.blocked),
                        "updated_at": iso(r.updated_at),
                    }
                )
        state = s.get(ConversationState, patient)
        consent = [
            {"note_version": r.note_version, "channel": r.channel, "at": iso(r.at)}
            for r in s.scalars(select(Consent).where(Consent.patient == patient).order_by(Consent.id))
        ]
        log = [
            {
                "at": iso(r.at),
                "action": audit.ACTION_WORDS.get(str(r.action), r.action),
                "by": "the clinic's command line" if r.who == audit.CLI else "clinic staff (console)",
            }
            for r in s.scalars(select(AccessAudit).where(AccessAudit.patient == patient).order_by(AccessAudit.id))
        ]
    return {
        "lessons": lessons,
        "lesson_check_answers": answers,
        "visits": visits,
        "questions": questions,
        "reminders": reminders,
        "print_links": links,
        "feedback": feedback,
        "handoff_tickets": tickets,
        "telegram_chats": telegram,
        "last_question_asked": (
            {
                "awaiting": state.awaiting,
                "privacy_note_shown": getattr(state, "note_shown", None),
                "updated_at": iso(state.updated_at),
            }
            if state is not None
            else None
        ),
        "privacy_note_accepted": consent,
        "access_log": log,
    }


def export(
    db: Database,
    settings: Settings,
    secret: bytes,
    *,
    patient: str | None = None,
    sender: str | None = None,
    now: dt.datetime | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Everything held about the patient (module docstring). ``by`` (a staff user id or "cli") writes an
    "export" row in the access log first, so the export lists itself. Raises ValueError like `forget`."""
    moment = as_utc(now)
    with TrackerEvents(settings) as store:
        subject = resolve(db, store, secret, patient=patient, sender=sender)
        if by is not None:
            audit.record_access(db, by, audit.EXPORT, subject.patient, moment)
        chat = [
            {
                "conversation": e.conversation,
                "type": e.type,
                "at": iso(e.at),
                "text": e.text,
                "intent": e.intent,
                "action": e.action,
                **({"slot": e.slot, "value": e.value} if e.slot is not None else {}),
            }
            for e in store.events(subject.conversations)
        ]
    return {
        "format": FORMAT,
        "exported_at": iso(moment),
        "patient": subject.patient,
        "conversation_ids": list(subject.conversations),
        **_app_data(db, secret, subject.patient, set(subject.conversations)),
        "chat_history": chat,
    }
