"""Keep data only as long as it is useful: delete what is older than ``PLAINHEALTH_RETENTION_DAYS``.

Each row is judged by its own time (what "old" means for it is in `purge`), never by the patient's last
visit, so a patient who keeps chatting does not keep their oldest messages forever. The web app runs this
once at start and then once a day (bot/web/app.py); `plainhealth privacy purge` runs it by hand.

Kept whatever their age:

- open hand-off tickets and their transcripts, until staff close them (then they age from the close);
- a visit whose day is still to come (with its checklist and reminder);
- the access log (bot/records/audit.py), which a clinic may have to keep for years: its own policy decides;
- erasure requests still waiting (they are seconds old).

Rasa's chat events go one by one by their timestamp. Deleted rows are scrubbed from SQLite files, as for a
patient's erasure (bot/records/scrub.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select

from bot.contracts import ReminderStatus, TicketStatus
from bot.records.scrub import affected, scrub, secure_delete
from bot.records.times import as_utc
from bot.records.tracker import TrackerEvents
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.models import (
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
    UnmetRequest,
)


def cutoff(settings: Settings, now: dt.datetime) -> dt.datetime:
    """The oldest moment still kept."""
    return as_utc(now) - dt.timedelta(days=settings.retention_days)


def purge(db: Database, settings: Settings, now: dt.datetime) -> dict[str, int]:
    """Delete everything older than the retention period; returns how many rows of each kind went."""
    oldest = cutoff(settings, now)
    counts: dict[str, int] = {}
    with db.session() as s:
        secure_delete(s)
        counts["lessons"] = affected(s, delete(LessonProgress).where(LessonProgress.updated_at < oldest))
        counts["answers"] = affected(s, delete(TeachBackAnswer).where(TeachBackAnswer.created_at < oldest))
        # A visit goes when it was last touched long ago and its day (if it has one) has passed long ago too.
        old_visits = list(
            s.scalars(
                select(Appointment.id).where(
                    Appointment.updated_at < oldest, or_(Appointment.day.is_(None), Appointment.day < oldest.date())
                )
            )
        )
        counts["reminders"] = affected(
            s,
            delete(Reminder).where(
                or_(
                    Reminder.appointment_id.in_(old_visits),
                    (Reminder.status != ReminderStatus.SCHEDULED) & (Reminder.created_at < oldest),
                    Reminder.fire_at < oldest,
                )
            ),
        )
        counts["checklist_ticks"] = affected(
            s, delete(ChecklistTick).where(ChecklistTick.appointment_id.in_(old_visits))
        )
        counts["visits"] = affected(s, delete(Appointment).where(Appointment.id.in_(old_visits)))
        counts["questions"] = affected(s, delete(QuestionItem).where(QuestionItem.created_at < oldest))
        counts["print_links"] = affected(s, delete(PrintLink).where(PrintLink.created_at < oldest))
        counts["feedback"] = affected(s, delete(Feedback).where(Feedback.created_at < oldest))
        counts["unmet_requests"] = affected(s, delete(UnmetRequest).where(UnmetRequest.created_at < oldest))
        counts["telegram_chats"] = affected(s, delete(TelegramChat).where(TelegramChat.updated_at < oldest))
        counts["conversation_state"] = affected(
            s, delete(ConversationState).where(ConversationState.updated_at < oldest)
        )
        counts["consent"] = affected(s, delete(Consent).where(Consent.at < oldest))
        old_tickets = list(
            s.scalars(
                select(HandoffTicket.id).where(
                    HandoffTicket.status == TicketStatus.CLOSED, HandoffTicket.updated_at < oldest
                )
            )
        )
        counts["ticket_messages"] = affected(s, delete(HandoffMessage).where(HandoffMessage.ticket_id.in_(old_tickets)))
        counts["tickets"] = affected(s, delete(HandoffTicket).where(HandoffTicket.id.in_(old_tickets)))
    with TrackerEvents(settings) as store:
        counts["chat_events"] = store.erase_before(oldest)
        if counts["chat_events"]:
            store.scrub()
    if any(counts.values()):
        scrub(db.engine)
    return counts


def summary(counts: dict[str, int]) -> str:
    """ "Deleted chat events: 12, visits: 2." or "Nothing was old enough to delete." (for the CLI and logs)."""
    parts = [f"{kind.replace('_', ' ')}: {n}" for kind, n in counts.items() if n]
    return "Deleted " + ", ".join(parts) + "." if parts else "Nothing was old enough to delete."
