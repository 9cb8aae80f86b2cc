"""Which version of the privacy note a patient accepted, on which channel, and when.

The chat shows the note and records the answer here; a new version of the note (a new ``version`` string)
can then be shown again to everyone who accepted an older one. Each acceptance is its own row, so the
history says which text a patient agreed to at the time. Deleted with the rest of the patient's data
(bot/records/erase.py) and after the retention period (bot/records/retention.py): the patient then simply
sees the note again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.records.times import as_utc
from bot.storage.db import Database
from bot.storage.models import Consent


def record_consent(db: Database, patient: str, version: str, channel: str, now: dt.datetime) -> None:
    """The patient accepted note ``version`` on ``channel`` at ``now``."""
    version, channel = version.strip(), channel.strip()
    if not version:
        raise ValueError("Say which version of the privacy note was accepted.")
    with db.session() as session:
        session.add(Consent(patient=patient, note_version=version[:40], channel=channel[:40], at=as_utc(now)))


def consent_of(db: Database, patient: str) -> tuple[str, dt.datetime] | None:
    """(version, when) of the patient's latest acceptance; None if they never accepted one."""
    with db.session() as session:
        row = session.scalars(
            select(Consent).where(Consent.patient == patient).order_by(Consent.at.desc(), Consent.id.desc()).limit(1)
        ).first()
        if row is None:
            return None
        return str(row.note_version), as_utc(row.at)
