"""Tables of the app's own data, keyed by pseudonymous patient ids (never a raw channel id or phone).

Written in the SQLAlchemy 1.4 style that Rasa 3.6 pins us to (no ``mapped_column``), kept 2.0-compatible.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint
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
