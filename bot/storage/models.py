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
