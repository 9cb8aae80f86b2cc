"""Tables of the app's own data, keyed by pseudonymous patient ids (never a raw channel id or phone).

Written in the SQLAlchemy 1.4 style that Rasa 3.6 pins us to (no ``mapped_column``), kept 2.0-compatible.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Text
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
