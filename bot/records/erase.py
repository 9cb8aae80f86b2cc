"""Forget a patient: every trace in the app database and in Rasa's conversation store, and in their files.

Who calls it:

- the chat's "delete my data" (actions/): `forget` with ``tracker=False`` at once for the app data, and
  `request_erasure` for the chat itself. Rasa writes the last events of the conversation (the action that
  asked, its replies) only after the action returns, so erasing the chat from inside the action would miss
  them. The web app's loop calls `run_erasures`, which forgets the patient again (the chat and anything the
  app stored in those seconds) once the request is `delay_seconds` old.
- the clinic: `plainhealth privacy forget` and the console's admin button, with ``by`` set so the access
  log says who did it. They also ask Rasa to drop reminders it holds in memory (`cancel_rasa_reminders`)
  before forgetting, so no reminder fires into an erased conversation.

What is deleted (the counts in `Erased` use these kinds): lesson progress, teach-back answers, visits with
their checklist ticks and reminders, the question list, print links, feedback the patient typed, Telegram
chat rows, what the assistant last asked, consent records, and the chat events of every conversation id of
the patient (bot/records/identity.py). Two things are kept on purpose, with nothing that points to the
patient:

- "Was this clear?" taps (a rating with no words) stay for the educators' counts, with the patient column
  emptied. Anything the patient typed is deleted.
- A hand-off ticket becomes a stub: when it was opened, claimed and closed, its reason and priority, who
  on the staff handled it and staff's safety verdict, closed with the note "Deleted at the patient's
  request". Its transcript, sealed conversation id, call-back details and "was doing" are deleted and its
  patient column gets a random "deleted-..." value. The clinic keeps a count of hand-offs and safety calls;
  nothing in it can be tied back to the patient.

The access log keeps its rows, with the pseudonym replaced by a one-way code (bot/records/audit.py).

"Leave no copy": deletes run with SQLite's secure_delete, and afterwards both database files are rebuilt
and their write-ahead logs emptied (bot/records/scrub.py). ``Erased.scrubbed`` is False if that could not
finish (a file stayed locked); the rows are gone either way and the next erasure or purge scrubs again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from aiohttp import ClientError, ClientSession
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot import privacy
from bot.contracts import OPEN_TICKET_STATUSES, ReminderStatus, TicketStatus
from bot.rasa_api import api_url
from bot.records import audit
from bot.records.identity import Subject, resolve
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
    ErasureRequest,
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

logger = logging.getLogger(__name__)

DELETED_NOTE = "Deleted at the patient's request"
DELETED_PREFIX = "deleted-"

# Every kind of thing `forget` counts, in the order a reply lists them, with words for one and for many.
KINDS: dict[str, tuple[str, str]] = {
    "chat_events": ("entry in the chat history", "entries in the chat history"),
    "lessons": ("lesson you started", "lessons you started"),
    "answers": ("answer to a lesson check", "answers to lesson checks"),
    "visits": ("visit", "visits"),
    "checklist_ticks": ("checklist tick", "checklist ticks"),
    "questions": ("question on your list", "questions on your list"),
    "reminders": ("reminder", "reminders"),
    "print_links": ("print link", "print links"),
    "feedback": ("comment you wrote", "comments you wrote"),
    "ratings_unlinked": (
        '"was this clear?" answer, kept with no link to you',
        '"was this clear?" answers, kept with no link to you',
    ),
    "tickets": ("conversation with the clinic team", "conversations with the clinic team"),
    "ticket_messages": ("message with the clinic team", "messages with the clinic team"),
    "telegram_chats": ("saved Telegram chat", "saved Telegram chats"),
    "conversation_state": ("saved place in the chat", "saved places in the chat"),
    "consent": ("privacy note answer", "privacy note answers"),
}


def reminder_name(visit_id: int) -> str:
    """Rasa's name for a visit's reminder; the same as `bot.conversation.core.reminder_name`."""
    return f"appointment_{visit_id}"


@dataclass(frozen=True)
class Erased:
    """What `forget` removed.

    ``counts``: how many of each kind (`KINDS`; every kind is present, 0 when there was none).
    ``reminders``: Rasa names of reminders that were still waiting: the chat action cancels them with
    ``ReminderCancelled`` so Rasa's in-memory scheduler does not fire them.
    ``conversations``: how many conversation ids the patient had. ``scrubbed``: the database files were
    rebuilt (see the module docstring).
    """

    counts: Mapping[str, int]
    reminders: tuple[str, ...] = ()
    conversations: int = 0
    scrubbed: bool = True

    @property
    def total(self) -> int:
        return sum(count for kind, count in self.counts.items() if kind != "ratings_unlinked")

    def lines(self) -> list[str]:
        """ "3 questions on your list", one line per kind that had anything deleted, in `KINDS` order (for "I
        deleted ..."; ratings kept without a link to the patient are not listed: they were not deleted)."""
        found = []
        for kind, (one, many) in KINDS.items():
            count = int(self.counts.get(kind, 0))
            if count and kind != "ratings_unlinked":
                found.append(f"{count} {one if count == 1 else many}")
        return found

    def summary(self) -> str:
        """One sentence for a reply or a terminal."""
        lines = self.lines()
        if not lines:
            return "There was nothing stored to delete."
        listed = lines[0] if len(lines) == 1 else ", ".join(lines[:-1]) + " and " + lines[-1]
        return f"Deleted {listed}."

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "reminders": list(self.reminders),
            "conversations": self.conversations,
            "scrubbed": self.scrubbed,
            "total": self.total,
            "summary": self.summary(),
        }


def _forget_app_data(
    session: Session, secret: bytes, subject: Subject, now: dt.datetime, by: str | None
) -> tuple[dict[str, int], list[str]]:
    """Delete or unlink every app row of the patient, in the caller's transaction. Returns the counts and
    the Rasa names of the reminders that were still waiting."""
    patient = subject.patient
    counts: dict[str, int] = dict.fromkeys(KINDS, 0)
    secure_delete(session)

    counts["lessons"] = affected(session, delete(LessonProgress).where(LessonProgress.patient == patient))
    counts["answers"] = affected(session, delete(TeachBackAnswer).where(TeachBackAnswer.patient == patient))

    waiting = [
        reminder_name(int(visit))
        for visit in session.scalars(
            select(Reminder.appointment_id)
            .where(Reminder.patient == patient, Reminder.status == ReminderStatus.SCHEDULED)
            .order_by(Reminder.id)
        )
    ]
    visit_ids = list(session.scalars(select(Appointment.id).where(Appointment.patient == patient)))
    counts["reminders"] = affected(
        session, delete(Reminder).where((Reminder.patient == patient) | Reminder.appointment_id.in_(visit_ids))
    )
    counts["checklist_ticks"] = affected(
        session, delete(ChecklistTick).where(ChecklistTick.appointment_id.in_(visit_ids))
    )
    counts["visits"] = affected(session, delete(Appointment).where(Appointment.id.in_(visit_ids)))
    counts["questions"] = affected(session, delete(QuestionItem).where(QuestionItem.patient == patient))
    counts["print_links"] = affected(session, delete(PrintLink).where(PrintLink.patient == patient))

    # Typed words go; a bare rating stays for the educators' counts, tied to nobody.
    counts["feedback"] = affected(session, delete(Feedback).where(Feedback.patient == patient, Feedback.text != ""))
    counts["ratings_unlinked"] = affected(
        session, update(Feedback).where(Feedback.patient == patient).values(patient="")
    )

    conversations = set(subject.conversations)
    chats = [
        row
        for row in session.scalars(select(TelegramChat))
        if row.conversation in conversations or privacy.pseudonym(str(row.conversation), secret) == patient
    ]
    for row in chats:
        session.delete(row)
    counts["telegram_chats"] = len(chats)
    counts["conversation_state"] = affected(
        session, delete(ConversationState).where(ConversationState.patient == patient)
    )
    counts["consent"] = affected(session, delete(Consent).where(Consent.patient == patient))

    for ticket in list(session.scalars(select(HandoffTicket).where(HandoffTicket.patient == patient))):
        counts["tickets"] += 1
        counts["ticket_messages"] += affected(
            session, delete(HandoffMessage).where(HandoffMessage.ticket_id == ticket.id)
        )
        if ticket.status in OPEN_TICKET_STATUSES:
            ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
        ticket.close_note = DELETED_NOTE
        ticket.patient = DELETED_PREFIX + secrets.token_hex(8)
        ticket.conversation, ticket.contact, ticket.activity, ticket.channel = "", None, "", ""
        ticket.updated_at = now  # open consoles refresh and show the stub

    reference = audit.forget_patient_in_log(session, patient, secret)
    if by is not None:
        audit.add_entry(session, by, audit.FORGET, reference, now)
    return counts, waiting


def _forget(
    db: Database,
    store: TrackerEvents,
    secret: bytes,
    *,
    patient: str | None,
    sender: str | None,
    now: dt.datetime,
    tracker: bool,
    by: str | None,
) -> Erased:
    subject = resolve(db, store, secret, patient=patient, sender=sender)
    with db.session() as session:
        counts, waiting = _forget_app_data(session, secret, subject, as_utc(now), by)
    if tracker:
        counts["chat_events"] = store.erase(subject.conversations)
    return Erased(counts=counts, reminders=tuple(waiting), conversations=len(subject.conversations))


def forget(
    db: Database,
    settings: Settings,
    secret: bytes,
    *,
    patient: str | None = None,
    sender: str | None = None,
    now: dt.datetime,
    tracker: bool = True,
    by: str | None = None,
) -> Erased:
    """Remove every trace of one patient (module docstring), given their pseudonym or a conversation id.

    ``tracker`` False leaves Rasa's store alone (the chat path, which queues it with `request_erasure`).
    ``by`` (a staff user id or "cli") writes a "forget" row in the access log, in the same transaction.
    Raises ValueError when neither id is given, or both are and they do not match.
    """
    with TrackerEvents(settings) as store:
        erased = _forget(db, store, secret, patient=patient, sender=sender, now=now, tracker=tracker, by=by)
        scrubbed = scrub(db.engine)
        if tracker:
            scrubbed = store.scrub() and scrubbed
    return replace(erased, scrubbed=scrubbed)


def scheduled_reminders(db: Database, secret: bytes, patient: str) -> list[tuple[str, str]]:
    """(conversation id, Rasa reminder name) of the patient's reminders still waiting, to cancel in Rasa
    before `forget` deletes their rows."""
    with db.session() as session:
        rows = list(
            session.scalars(
                select(Reminder).where(Reminder.patient == patient, Reminder.status == ReminderStatus.SCHEDULED)
            )
        )
    found = []
    for row in rows:
        conversation = privacy.unseal(str(row.conversation), secret) if row.conversation else None
        if conversation:
            found.append((conversation, reminder_name(int(row.appointment_id))))
    return found


async def cancel_rasa_reminders(http: ClientSession, settings: Settings, targets: Iterable[tuple[str, str]]) -> int:
    """Ask a running Rasa server to drop reminders it holds in memory (its HTTP API, ``cancel_reminder``
    with side effects); returns how many it took. Rasa down is fine: a restarted Rasa has forgotten them,
    and a reminder whose row is gone sends nothing anyway."""
    cancelled = 0
    for conversation, name in targets:
        path = f"/conversations/{quote(conversation, safe='')}/tracker/events"
        try:
            async with http.post(
                api_url(settings, path, execute_side_effects="true"), json={"event": "cancel_reminder", "name": name}
            ) as response:
                cancelled += int(response.status == 200)
        except (TimeoutError, ClientError, OSError):
            logger.warning("Rasa could not be reached to cancel a reminder before a deletion")
    return cancelled


# The chat's "delete my data": the chat itself is erased a few seconds later -------------------------------


def request_erasure(db: Database, secret: bytes, sender: str, now: dt.datetime) -> int:
    """Queue the erasure of ``sender``'s chat (sealed; no pseudonym is stored); returns the request id."""
    with db.session() as session:
        row = ErasureRequest(conversation=privacy.seal(sender, secret), requested_at=as_utc(now))
        session.add(row)
        session.flush()
        return int(row.id)


def run_erasures(db: Database, settings: Settings, secret: bytes, now: dt.datetime, delay_seconds: int = 5) -> int:
    """Carry out the requests at least ``delay_seconds`` old: forget the patient again, their chat
    included, then delete the request. Returns how many requests were done. Called by the web app's loop."""
    due_before = as_utc(now) - dt.timedelta(seconds=delay_seconds)
    with db.session() as session:
        due = [
            (int(r.id), str(r.conversation))
            for r in session.scalars(
                select(ErasureRequest).where(ErasureRequest.requested_at <= due_before).order_by(ErasureRequest.id)
            )
        ]
    if not due:
        return 0
    with TrackerEvents(settings) as store:
        for request_id, sealed in due:
            sender = privacy.unseal(sealed, secret)
            if sender is None:
                logger.warning("An erasure request could not be read with this server's key; it was dropped")
            else:
                _forget(db, store, secret, patient=None, sender=sender, now=now, tracker=True, by=None)
            with db.session() as session:
                secure_delete(session)
                session.execute(delete(ErasureRequest).where(ErasureRequest.id == request_id))
        scrub(db.engine)
        store.scrub()
    return len(due)
