"""Tables of the app's own data, keyed by pseudonymous patient ids (never a raw channel id or phone).

Written in the SQLAlchemy 1.4 style that Rasa 3.6 pins us to (no ``mapped_column``), kept 2.0-compatible.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Feedback(Base):  # type: ignore[misc,valid-type]
    """What patients told us about the content, for the educators who write it."""

    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    module_id = Column(String(100), nullable=True, index=True)
    section = Column(String(200), nullable=True)
    rating = Column(String(20), nullable=True)
    text = Column(Text, nullable=False, default="", server_default="")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class LessonProgress(Base):  # type: ignore[misc,valid-type]
    """Where a patient is in one module, so they can stop and come back, and educators see where people stop.

    ``stage`` is reading, teach_back (waiting for the answer to question ``question``), clarity (waiting
    for "was this clear?"), finished or stopped.
    """

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("patient", "module_id", name="uq_lesson_progress_patient_module"),)

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    module_id = Column(String(100), nullable=False, index=True)
    section = Column(Integer, nullable=False, default=0)
    part = Column(Integer, nullable=False, default=0)
    stage = Column(String(20), nullable=False, default="reading")
    question = Column(Integer, nullable=False, default=0)
    started_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    finished_at = Column(DateTime(timezone=True), nullable=True)


class TeachBackAnswer(Base):  # type: ignore[misc,valid-type]
    """One answer to a teach-back question. The question text is kept, as content changes over time."""

    __tablename__ = "teach_back_answer"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    module_id = Column(String(100), nullable=False, index=True)
    question_index = Column(Integer, nullable=False)
    question = Column(Text, nullable=False)
    chosen = Column(Text, nullable=False)
    correct = Column(Boolean, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class UnmetRequest(Base):  # type: ignore[misc,valid-type]
    """A word or topic a patient asked for that the content does not cover. No patient id: educators need
    the words, not who asked."""

    __tablename__ = "unmet_request"

    id = Column(Integer, primary_key=True)
    kind = Column(String(10), nullable=False, index=True)  # "term" or "topic"
    text = Column(String(200), nullable=False)
    module_id = Column(String(100), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Appointment(Base):  # type: ignore[misc,valid-type]
    """A visit a patient is getting ready for. ``step`` is where they are in its checklist."""

    __tablename__ = "appointment"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    appointment_type = Column(String(50), nullable=False)
    checklist_id = Column(String(100), nullable=True)
    day = Column(Date, nullable=True)
    step = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ChecklistTick(Base):  # type: ignore[misc,valid-type]
    """One checklist item ticked (or left for later). The item's text is kept, as content changes."""

    __tablename__ = "checklist_tick"
    __table_args__ = (UniqueConstraint("appointment_id", "item", name="uq_checklist_tick_item"),)

    id = Column(Integer, primary_key=True)
    appointment_id = Column(Integer, ForeignKey("appointment.id", ondelete="CASCADE"), nullable=False, index=True)
    item = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    done = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class QuestionItem(Base):  # type: ignore[misc,valid-type]
    """One question on a patient's list, in their order. ``source`` is "own" or the prompt set it came from."""

    __tablename__ = "question_item"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    source = Column(String(120), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Reminder(Base):  # type: ignore[misc,valid-type]
    """A day-before reminder. ``conversation`` is the channel's conversation id, encrypted
    (`bot.privacy.seal`), kept only while the reminder waits. ``status``: scheduled, sent, cancelled,
    replaced or missed."""

    __tablename__ = "reminder"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    appointment_id = Column(Integer, ForeignKey("appointment.id", ondelete="CASCADE"), nullable=False, index=True)
    conversation = Column(Text, nullable=False, default="")
    fire_at = Column(DateTime(timezone=True), nullable=False, index=True)
    status = Column(String(12), nullable=False, default="scheduled", index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)


class PrintLink(Base):  # type: ignore[misc,valid-type]
    """A private link to the printable question list. Only a hash of the token is stored."""

    __tablename__ = "print_link"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class StaffUser(Base):  # type: ignore[misc,valid-type]
    """A person at the clinic who answers hand-offs. ``role`` is staff or admin (admins manage accounts).

    Only a salted scrypt hash of the password is kept. ``failed_logins`` and ``locked_until`` are no longer
    read: sign-in limits are per client address, in the web app (bot/web/console.py), so a stranger cannot
    lock a nurse out.
    """

    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(80), nullable=False)
    role = Column(String(10), nullable=False, default="staff")
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class StaffSession(Base):  # type: ignore[misc,valid-type]
    """A signed-in console. The browser holds the token; only its hash is stored, so a stolen database
    does not sign anyone in."""

    __tablename__ = "staff_session"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf = Column(String(64), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class HandoffTicket(Base):  # type: ignore[misc,valid-type]
    """A patient waiting for, or talking with, a person at the clinic.

    ``status``: waiting, claimed or closed. ``priority``: urgent (danger to life) or normal.
    ``conversation`` is the channel's conversation id and ``contact`` the call-back details the patient
    left, both encrypted (`bot.privacy.seal`); the conversation id is blanked when the ticket closes.
    ``updated_at`` changes with every message, so consoles can tell that something is new.
    ``safety_review`` is staff's verdict on the assistant's safety call: "not_emergency" (an urgent ticket
    raised an alarm that was not needed) or "missed_emergency" (an emergency the assistant missed), with the
    user name of who marked it and when.
    """

    __tablename__ = "handoff_ticket"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    conversation = Column(Text, nullable=False, default="")
    channel = Column(String(40), nullable=False, default="")
    reason = Column(String(30), nullable=False)
    priority = Column(String(10), nullable=False, default="normal")
    status = Column(String(10), nullable=False, default="waiting", index=True)
    activity = Column(Text, nullable=False, default="")
    out_of_hours = Column(Boolean, nullable=False, default=False)
    contact = Column(Text, nullable=True)
    claimed_by = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    close_note = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    notified_at = Column(DateTime(timezone=True), nullable=True)  # staff told outside the console (Telegram)
    safety_review = Column(String(20), nullable=True)
    safety_review_by = Column(String(64), nullable=True)
    safety_review_at = Column(DateTime(timezone=True), nullable=True)


class HandoffMessage(Base):  # type: ignore[misc,valid-type]
    """One line of a ticket's transcript. ``sender``: patient, bot, staff or system.

    A staff line is ``delivered`` once the action server has sent it to the patient's channel; until then
    the web app keeps asking Rasa to deliver it, so a reply typed while Rasa restarts is not lost.
    """

    __tablename__ = "handoff_message"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("handoff_ticket.id", ondelete="CASCADE"), nullable=False, index=True)
    sender = Column(String(10), nullable=False)
    staff_id = Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True)
    name = Column(String(80), nullable=False, default="")
    text = Column(Text, nullable=False)
    delivered = Column(Boolean, nullable=False, default=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class TelegramChat(Base):  # type: ignore[misc,valid-type]
    """Where to deliver a Telegram patient's messages after a restart (a staff reply, a reminder).

    ``conversation`` is the channel's conversation id (a keyed hash of the Telegram user id, never the id);
    ``chat`` is the Telegram chat id, encrypted (`bot.privacy.seal`), because a reply must reach that chat
    but the database alone must not tell who the patient is. ``blocked``: the patient blocked the bot, so
    nothing is sent (and their reminders were cancelled) until they write again.
    """

    __tablename__ = "telegram_chat"

    id = Column(Integer, primary_key=True)
    conversation = Column(String(64), nullable=False, unique=True)
    chat = Column(Text, nullable=False)
    blocked = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ConversationState(Base):  # type: ignore[misc,valid-type]
    """What the assistant last asked a patient (``awaiting``, a `bot.contracts.Awaiting`), and after which of
    their messages (``turn``: its time in the conversation), so a short answer is read against it only when it
    comes right after the question (bot/conversation/core.py)."""

    __tablename__ = "conversation_state"

    patient = Column(String(64), primary_key=True)
    awaiting = Column(String(40), nullable=True)
    turn = Column(String(40), nullable=False, default="")
    # The version of the privacy note last shown to the patient (shown once per version, bot/conversation).
    note_shown = Column(String(40), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class AccessAudit(Base):  # type: ignore[misc,valid-type]
    """Who looked at or acted on a patient's data, and when (bot/records/audit.py). Never any content.

    ``who`` is a staff user id, or "cli" for the clinic's command line. ``action``: open_transcript, export
    or forget. ``patient`` is the pseudonym; once a patient is forgotten it is replaced by a one-way code
    (``erased-...``), so the log still shows what happened without keeping the patient's key.
    """

    __tablename__ = "access_audit"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    who = Column(String(64), nullable=False)
    action = Column(String(20), nullable=False)
    patient = Column(String(64), nullable=False, index=True)


class Consent(Base):  # type: ignore[misc,valid-type]
    """A patient saw and accepted a version of the privacy note, on a channel (bot/records/consent.py).

    One row per acceptance, so a new version of the note can be asked for again and the history shows which
    text each patient agreed to.
    """

    __tablename__ = "consent"

    id = Column(Integer, primary_key=True)
    patient = Column(String(64), nullable=False, index=True)
    note_version = Column(String(40), nullable=False)
    channel = Column(String(40), nullable=False, default="")
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ErasureRequest(Base):  # type: ignore[misc,valid-type]
    """A patient's "delete my data" waiting for Rasa to finish writing the conversation (bot/records/erase.py).

    ``conversation`` is the conversation id, sealed (`bot.privacy.seal`); no pseudonym is kept, so nothing
    here points to the patient once the request is done and deleted.
    """

    __tablename__ = "erasure_request"

    id = Column(Integer, primary_key=True)
    conversation = Column(Text, nullable=False)
    requested_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
