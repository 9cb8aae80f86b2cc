"""Hand-off tickets: a patient waiting for, or talking with, a person at the clinic, and the transcript.

The action server writes tickets and patient lines; the web app (the staff console) reads them, and writes
claims, staff lines and closes. Both go through these functions, so a ticket is the same whichever process
looks, and nothing lives only in memory: a restart of either loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from bot.contracts import OPEN_TICKET_STATUSES, TicketStatus
from bot.storage.db import Database
from bot.storage.models import HandoffMessage, HandoffTicket, StaffUser, utcnow
from bot.storage.staff import StaffMember
from bot.storage.visits import aware

REASONS = {
    "asked": "Asked for a person",
    "emergency": "Emergency",
    "crisis": "Suicide or self-harm risk",
    "violence": "Not safe at home",
    "not_understood": "The assistant did not understand twice",
    "medical_advice": "Medical question",
}
URGENT_REASONS = frozenset({"emergency", "crisis", "violence"})
OPEN = OPEN_TICKET_STATUSES
SENDERS = ("patient", "bot", "staff", "system")
# Staff's verdict on the assistant's safety call, for the people who improve the safety net.
SAFETY_VERDICTS = {
    "not_emergency": "Not an emergency",
    "missed_emergency": "Missed emergency",
}


class TicketConflict(Exception):
    """The ticket is not in a state that allows this (someone else has it, or it is closed)."""


@dataclass(frozen=True)
class Ticket:
    id: int
    patient: str
    channel: str
    reason: str
    priority: str
    status: str
    activity: str
    out_of_hours: bool
    contact: str | None  # sealed
    conversation: str  # sealed; "" once closed
    claimed_by: int | None
    claimed_by_name: str | None
    close_note: str | None
    created_at: dt.datetime
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None
    updated_at: dt.datetime
    message_count: int = 0
    last_patient_at: dt.datetime | None = None
    safety_review: str | None = None
    safety_review_by: str | None = None
    safety_review_at: dt.datetime | None = None

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason.replace("_", " ").capitalize())

    def waiting_seconds(self, now: dt.datetime) -> int:
        end = self.claimed_at or self.closed_at or now
        return max(0, int((end - self.created_at).total_seconds()))


@dataclass(frozen=True)
class Line:
    id: int
    ticket_id: int
    at: dt.datetime
    sender: str
    name: str
    text: str
    delivered: bool


def _ticket(session: object, row: HandoffTicket) -> Ticket:
    name = None
    if row.claimed_by is not None:
        name = session.scalar(select(StaffUser.display_name).where(StaffUser.id == row.claimed_by))  # type: ignore[attr-defined]
    count, last_patient = session.execute(  # type: ignore[attr-defined]
        select(
            func.count(HandoffMessage.id), func.max(HandoffMessage.at).filter(HandoffMessage.sender == "patient")
        ).where(HandoffMessage.ticket_id == row.id)
    ).one()
    return Ticket(
        id=int(row.id),
        patient=str(row.patient),
        channel=str(row.channel),
        reason=str(row.reason),
        priority=str(row.priority),
        status=str(row.status),
        activity=str(row.activity or ""),
        out_of_hours=bool(row.out_of_hours),
        contact=row.contact,
        conversation=str(row.conversation or ""),
        claimed_by=row.claimed_by,
        claimed_by_name=name,
        close_note=row.close_note,
        created_at=aware(row.created_at) or utcnow(),
        claimed_at=aware(row.claimed_at),
        closed_at=aware(row.closed_at),
        updated_at=aware(row.updated_at) or utcnow(),
        message_count=int(count or 0),
        last_patient_at=aware(last_patient),
        safety_review=row.safety_review,
        safety_review_by=row.safety_review_by,
        safety_review_at=aware(row.safety_review_at),
    )


def _line(row: HandoffMessage) -> Line:
    return Line(
        int(row.id),
        int(row.ticket_id),
        aware(row.at) or utcnow(),
        str(row.sender),
        str(row.name or ""),
        str(row.text),
        bool(row.delivered),
    )


def open_ticket_for(db: Database, patient: str) -> Ticket | None:
    """The patient's ticket that is still waiting or being answered, if any."""
    with db.session() as session:
        row = session.scalars(
            select(HandoffTicket)
            .where(HandoffTicket.patient == patient, HandoffTicket.status.in_(OPEN))
            .order_by(HandoffTicket.id.desc())
        ).first()
        return _ticket(session, row) if row else None


def get_ticket(db: Database, ticket_id: int) -> Ticket | None:
    with db.session() as session:
        row = session.get(HandoffTicket, ticket_id)
        return _ticket(session, row) if row else None


def open_ticket(
    db: Database,
    patient: str,
    conversation: str,
    channel: str,
    reason: str,
    activity: str,
    out_of_hours: bool,
    transcript: Iterable[tuple[dt.datetime, str, str]] = (),
) -> tuple[Ticket, bool]:
    """Open a ticket, or reuse the patient's open one (raising it to urgent if this reason is urgent).

    ``conversation`` is already sealed. ``transcript`` is the chat so far: (time, patient|bot, text).
    Returns the ticket and whether it is new.
    """
    priority = "urgent" if reason in URGENT_REASONS else "normal"
    now = utcnow()
    with db.session() as session:
        row = session.scalars(
            select(HandoffTicket)
            .where(HandoffTicket.patient == patient, HandoffTicket.status.in_(OPEN))
            .order_by(HandoffTicket.id.desc())
        ).first()
        created = row is None
        if row is None:
            row = HandoffTicket(
                patient=patient,
                conversation=conversation,
                channel=channel,
                reason=reason,
                priority=priority,
                status=TicketStatus.WAITING,
                activity=activity,
                out_of_hours=out_of_hours,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            for at, sender, text in transcript:
                session.add(HandoffMessage(ticket_id=row.id, sender=sender, text=text, at=at, delivered=True))
        else:
            row.conversation = conversation or row.conversation
            row.channel = channel or row.channel
            if priority == "urgent" and row.priority != "urgent":
                row.priority, row.reason, row.notified_at = "urgent", reason, None  # tell staff again
                session.add(
                    HandoffMessage(
                        ticket_id=row.id,
                        sender="system",
                        at=now,
                        delivered=True,
                        text=f"Raised to urgent: {REASONS.get(reason, reason)}",
                    )
                )
            row.updated_at = now
        session.flush()
        return _ticket(session, row), created


def escalate(db: Database, ticket_id: int, reason: str) -> None:
    """Danger spotted during a hand-off: the ticket goes to the top of the queue."""
    now = utcnow()
    with db.session() as session:
        row = session.get(HandoffTicket, ticket_id)
        if row is None:
            return
        if row.priority != "urgent":
            row.priority, row.reason, row.notified_at = "urgent", reason, None  # tell staff again
        session.add(
            HandoffMessage(
                ticket_id=row.id,
                sender="system",
                at=now,
                delivered=True,
                text=f"Danger signs in the last message: {REASONS.get(reason, reason)}",
            )
        )
        row.updated_at = now


def add_line(
    db: Database,
    ticket_id: int,
    sender: str,
    text: str,
    name: str = "",
    staff_id: int | None = None,
    delivered: bool = True,
) -> Line:
    if sender not in SENDERS:
        raise ValueError(f"unknown sender {sender!r}")
    now = utcnow()
    with db.session() as session:
        row = HandoffMessage(
            ticket_id=ticket_id, sender=sender, text=text, name=name, staff_id=staff_id, delivered=delivered, at=now
        )
        session.add(row)
        session.execute(update(HandoffTicket).where(HandoffTicket.id == ticket_id).values(updated_at=now))
        session.flush()
        return _line(row)


def lines(db: Database, ticket_id: int) -> list[Line]:
    with db.session() as session:
        rows = session.scalars(
            select(HandoffMessage)
            .where(HandoffMessage.ticket_id == ticket_id)
            .order_by(HandoffMessage.at, HandoffMessage.id)
        )
        return [_line(r) for r in rows]


def take_undelivered(db: Database, ticket_id: int) -> list[Line]:
    """Staff lines not yet sent to the patient, marked sent in the same step so none goes out twice."""
    with db.session() as session:
        rows = list(
            session.scalars(
                select(HandoffMessage)
                .where(HandoffMessage.ticket_id == ticket_id, HandoffMessage.delivered.is_(False))
                .order_by(HandoffMessage.id)
            )
        )
        taken = []
        for row in rows:
            done = session.execute(
                update(HandoffMessage)
                .where(HandoffMessage.id == row.id, HandoffMessage.delivered.is_(False))
                .values(delivered=True)
            )
            if done.rowcount:
                taken.append(_line(row))
        return taken


def waiting_delivery(db: Database, older_than: dt.datetime) -> list[Ticket]:
    """Tickets with a staff line that has waited for delivery since before ``older_than``."""
    with db.session() as session:
        ids = session.scalars(
            select(HandoffMessage.ticket_id)
            .where(HandoffMessage.delivered.is_(False), HandoffMessage.at < older_than)
            .distinct()
        )
        rows = [session.get(HandoffTicket, i) for i in ids]
        return [_ticket(session, r) for r in rows if r is not None]


def claim(db: Database, ticket_id: int, staff_id: int) -> Ticket:
    now = utcnow()
    with db.session() as session:
        done = session.execute(
            update(HandoffTicket)
            .where(HandoffTicket.id == ticket_id, HandoffTicket.status == TicketStatus.WAITING)
            .values(status=TicketStatus.CLAIMED, claimed_by=staff_id, claimed_at=now, updated_at=now)
        )
        row = session.get(HandoffTicket, ticket_id)
        if row is None:
            raise TicketConflict("There is no such ticket.")
        if not done.rowcount and not (row.status == TicketStatus.CLAIMED and row.claimed_by == staff_id):
            raise TicketConflict(
                "Someone else has this ticket now." if row.status == TicketStatus.CLAIMED else "This ticket is closed."
            )
        return _ticket(session, row)


def release(db: Database, ticket_id: int, staff_id: int, admin: bool = False) -> Ticket:
    """Back to the queue, for someone else to answer. Only the holder (or an admin) can do this."""
    now = utcnow()
    with db.session() as session:
        row = session.get(HandoffTicket, ticket_id)
        if row is None or row.status != TicketStatus.CLAIMED or (row.claimed_by != staff_id and not admin):
            raise TicketConflict("You can only release a ticket you have.")
        row.status, row.claimed_by, row.claimed_at, row.updated_at = TicketStatus.WAITING, None, None, now
        session.add(
            HandoffMessage(ticket_id=row.id, sender="system", at=now, delivered=True, text="Put back in the queue.")
        )
        session.flush()
        return _ticket(session, row)


def close(db: Database, ticket_id: int, staff_id: int | None, note: str, admin: bool = False) -> Ticket:
    """End the hand-off with a note for the record. ``staff_id`` None: the patient cancelled."""
    now = utcnow()
    with db.session() as session:
        row = session.get(HandoffTicket, ticket_id)
        if row is None or row.status == TicketStatus.CLOSED:
            raise TicketConflict("This ticket is already closed.")
        if staff_id is not None and not admin and row.claimed_by != staff_id:
            raise TicketConflict("Claim the ticket before you close it.")
        row.status, row.close_note, row.closed_at, row.updated_at = TicketStatus.CLOSED, note, now, now
        row.conversation = ""  # the channel id is not needed any more
        session.add(HandoffMessage(ticket_id=row.id, sender="system", at=now, delivered=True, text=f"Closed: {note}"))
        session.flush()
        return _ticket(session, row)


def set_contact(db: Database, ticket_id: int, sealed_contact: str) -> None:
    with db.session() as session:
        session.execute(
            update(HandoffTicket)
            .where(HandoffTicket.id == ticket_id)
            .values(contact=sealed_contact, updated_at=utcnow())
        )


def tickets(db: Database, view: str = "open", limit: int = 50) -> list[Ticket]:
    """The queue: urgent first, then the longest waiting. ``view`` "closed": the latest closed ones."""
    with db.session() as session:
        query = select(HandoffTicket)
        if view == "closed":
            query = query.where(HandoffTicket.status == TicketStatus.CLOSED).order_by(HandoffTicket.closed_at.desc())
        else:
            urgent_first = HandoffTicket.priority != "urgent"
            query = query.where(HandoffTicket.status.in_(OPEN)).order_by(urgent_first, HandoffTicket.created_at)
        return [_ticket(session, row) for row in session.scalars(query.limit(limit))]


# --- the console's queue: filters, counts, pages ------------------------------------------------------------

QUEUE_STATUSES = ("open", "waiting", "claimed", "closed")  # "open": waiting or claimed
PRIORITIES = ("urgent", "normal")


@dataclass(frozen=True)
class QueueFilter:
    """What the console asked for. Every value is already checked by the caller (bot/web/console.py)."""

    status: str = "open"
    priority: str | None = None
    reason: str | None = None
    older_than: dt.timedelta | None = None  # opened at least this long ago
    newer_than: dt.timedelta | None = None  # opened less than this long ago
    patient: str | None = None  # the start of the patient's label (their pseudonym)


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    last_patient_text: str  # the patient's latest line, as stored ("" if they wrote nothing yet)
    closed_by: str | None  # the staff member who closed it, when the console recorded one


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    matching: int  # tickets that pass every filter (all pages)
    counts: dict[str, int]  # in the chosen status, whatever the other filters: "total", "urgent", "normal"
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // self.per_page))


def _status_clause(status: str) -> Any:
    if status == "open":
        return HandoffTicket.status.in_(OPEN)
    return HandoffTicket.status == status


def queue(db: Database, wanted: QueueFilter, now: dt.datetime, page: int = 1, per_page: int = 25) -> QueuePage:
    """One page of the queue with its counts. Open tickets: urgent first, then the longest waiting; closed
    ones: the latest closed first. No limit hides a ticket: any one can be reached by filters or pages."""
    status = _status_clause(wanted.status)
    clauses = [status]
    if wanted.priority:
        clauses.append(HandoffTicket.priority == wanted.priority)
    if wanted.reason:
        clauses.append(HandoffTicket.reason == wanted.reason)
    if wanted.older_than is not None:
        clauses.append(HandoffTicket.created_at <= now - wanted.older_than)
    if wanted.newer_than is not None:
        clauses.append(HandoffTicket.created_at > now - wanted.newer_than)
    if wanted.patient:
        clauses.append(HandoffTicket.patient.startswith(wanted.patient, autoescape=True))
    with db.session() as session:
        by_priority = dict(
            session.execute(
                select(HandoffTicket.priority, func.count(HandoffTicket.id))
                .where(status)
                .group_by(HandoffTicket.priority)
            ).all()
        )
        counts = {"total": sum(int(n) for n in by_priority.values())}
        counts.update({p: int(by_priority.get(p, 0)) for p in PRIORITIES})
        matching = int(session.scalar(select(func.count(HandoffTicket.id)).where(*clauses)) or 0)
        query = select(HandoffTicket).where(*clauses)
        if wanted.status == "closed":
            query = query.order_by(HandoffTicket.closed_at.desc(), HandoffTicket.id.desc())
        else:
            query = query.order_by(HandoffTicket.priority != "urgent", HandoffTicket.created_at, HandoffTicket.id)
        rows = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
        found = [
            QueueRow(_ticket(session, row), _last_patient_text(session, int(row.id)), _closer(session, row))
            for row in rows
        ]
    return QueuePage(found, matching, counts, page, per_page)


def _last_patient_text(session: Any, ticket_id: int) -> str:
    text = session.scalar(
        select(HandoffMessage.text)
        .where(HandoffMessage.ticket_id == ticket_id, HandoffMessage.sender == "patient")
        .order_by(HandoffMessage.at.desc(), HandoffMessage.id.desc())
        .limit(1)
    )
    return str(text or "")


def _closer(session: Any, row: HandoffTicket) -> str | None:
    """Who closed the ticket: the console writes a system line with the staff member's id when they do."""
    if row.status != TicketStatus.CLOSED:
        return None
    name = session.scalar(
        select(HandoffMessage.name)
        .where(
            HandoffMessage.ticket_id == row.id,
            HandoffMessage.sender == "system",
            HandoffMessage.staff_id.is_not(None),
        )
        .order_by(HandoffMessage.at.desc(), HandoffMessage.id.desc())
        .limit(1)
    )
    return str(name) if name else None


def closed_by(db: Database, ticket_id: int) -> str | None:
    """The staff member who closed this ticket, when the console recorded one (see ``queue``)."""
    with db.session() as session:
        row = session.get(HandoffTicket, ticket_id)
        return _closer(session, row) if row is not None else None


def open_priorities(db: Database) -> list[tuple[int, str]]:
    """Every open ticket's id and priority, however many: what the live stream compares to find new ones."""
    with db.session() as session:
        rows = session.execute(
            select(HandoffTicket.id, HandoffTicket.priority).where(HandoffTicket.status.in_(OPEN))
        ).all()
        return [(int(i), str(p)) for i, p in rows]


def change_marker(db: Database) -> str:
    """Changes whenever any ticket or line changes: consoles compare it to know when to refresh."""
    with db.session() as session:
        count, latest = session.execute(select(func.count(HandoffTicket.id), func.max(HandoffTicket.updated_at))).one()
        last_line = session.scalar(select(func.max(HandoffMessage.id)))
        return f"{count}:{latest}:{last_line}"


def to_notify(db: Database) -> list[Ticket]:
    """Open tickets staff have not been told about outside the console yet (new, or newly urgent)."""
    with db.session() as session:
        rows = session.scalars(
            select(HandoffTicket)
            .where(HandoffTicket.status.in_(OPEN), HandoffTicket.notified_at.is_(None))
            .order_by(HandoffTicket.id)
        )
        return [_ticket(session, row) for row in rows]


def mark_notified(db: Database, ticket_id: int) -> bool:
    """Mark a ticket told about; False if another process did it first (so nobody is told twice)."""
    with db.session() as session:
        done = session.execute(
            update(HandoffTicket)
            .where(HandoffTicket.id == ticket_id, HandoffTicket.notified_at.is_(None))
            .values(notified_at=utcnow())
        )
        return bool(done.rowcount)


@dataclass(frozen=True)
class SafetyReview:
    """A ticket staff marked, with the patient's own words from its transcript (for training or evaluation)."""

    ticket_id: int
    verdict: str
    reason: str
    priority: str
    opened_at: dt.datetime
    marked_by: str
    marked_at: dt.datetime
    patient_messages: tuple[str, ...]

    @property
    def verdict_text(self) -> str:
        return SAFETY_VERDICTS.get(self.verdict, self.verdict)

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason.replace("_", " ").capitalize())


def mark_safety_review(db: Database, ticket_id: int, verdict: str, staff_member: StaffMember | str) -> Ticket:
    """Record staff's verdict on the ticket's safety call; a second mark replaces the first.

    "not_emergency" is only for urgent tickets (the assistant raised an alarm); "missed_emergency" is for any.
    Raises ValueError for another verdict or "not_emergency" on a ticket that is not urgent, and LookupError
    when there is no such ticket.
    """
    if verdict not in SAFETY_VERDICTS:
        raise ValueError(f"The verdict must be one of {', '.join(SAFETY_VERDICTS)}, not {verdict!r}.")
    who = staff_member.username if isinstance(staff_member, StaffMember) else str(staff_member).strip()
    if not who:
        raise ValueError("Say who marked the ticket.")
    now = utcnow()
    with db.session() as session:
        row = session.get(HandoffTicket, ticket_id)
        if row is None:
            raise LookupError("There is no such ticket.")
        if verdict == "not_emergency" and row.priority != "urgent":
            raise ValueError(
                "Only an urgent ticket can be marked not an emergency: the assistant raised no alarm on this one."
            )
        row.safety_review, row.safety_review_by, row.safety_review_at = verdict, who[:64], now
        row.updated_at = now  # consoles refresh and show the verdict
        session.flush()
        return _ticket(session, row)


def safety_reviews(db: Database) -> list[SafetyReview]:
    """Every ticket staff marked, the latest mark first, with the patient's messages in the order sent."""
    with db.session() as session:
        rows = list(
            session.scalars(
                select(HandoffTicket)
                .where(HandoffTicket.safety_review.is_not(None))
                .order_by(HandoffTicket.safety_review_at.desc(), HandoffTicket.id.desc())
            )
        )
        found = []
        for row in rows:
            words = session.scalars(
                select(HandoffMessage.text)
                .where(HandoffMessage.ticket_id == row.id, HandoffMessage.sender == "patient")
                .order_by(HandoffMessage.at, HandoffMessage.id)
            )
            found.append(
                SafetyReview(
                    ticket_id=int(row.id),
                    verdict=str(row.safety_review),
                    reason=str(row.reason),
                    priority=str(row.priority),
                    opened_at=aware(row.created_at) or utcnow(),
                    marked_by=str(row.safety_review_by or ""),
                    marked_at=aware(row.safety_review_at) or utcnow(),
                    patient_messages=tuple(str(text) for text in words),
                )
            )
        return found
