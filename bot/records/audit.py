"""The access log: who opened, exported or deleted a patient's data, and when. Never any content.

Health-privacy rules expect a clinic to be able to say who looked at a patient's record (HIPAA's access
logs; GDPR's accountability). Rows are written by the staff console (opening a ticket's transcript, an
export, a deletion) and by the command line; ``who`` is the staff user's id, or "cli".

The console re-reads an open ticket every few seconds, so opening the same patient's transcript again
within `REPEAT_WINDOW` by the same person adds no row: the log says "Sam opened this at 10:02", not
"... at 10:02:15, 10:02:30, ...". The first look is always written, so nobody can avoid the log.

After a patient is forgotten, their pseudonym must not stay in the database, but the log must still show
that their data was looked at and then deleted. Their rows are rewritten to `erased_reference`: a keyed
one-way code of the pseudonym. It cannot be turned back, and links to nothing else in the database; a clinic
asked "who saw my data?" by that patient later can compute it again from their conversation id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.records.times import as_utc
from bot.storage.db import Database
from bot.storage.models import AccessAudit, StaffUser

OPEN_TRANSCRIPT = "open_transcript"
EXPORT = "export"
FORGET = "forget"
ACTIONS = (OPEN_TRANSCRIPT, EXPORT, FORGET)
CLI = "cli"
REPEAT_WINDOW = dt.timedelta(minutes=10)
ACTION_WORDS = {OPEN_TRANSCRIPT: "opened the transcript", EXPORT: "exported the data", FORGET: "deleted the data"}


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: dt.datetime
    who: str
    action: str
    patient: str

    def who_text(self, names: dict[str, str]) -> str:
        """ "the command line", or the staff member's user name (their id if the account is gone)."""
        if self.who == CLI:
            return "the command line"
        return names.get(self.who, f"staff account {self.who}")


def erased_reference(patient: str, secret: bytes) -> str:
    """The code that stands for a forgotten patient in the log (module docstring)."""
    digest = hmac.new(secret, b"plainhealth-audit:" + patient.encode("utf-8"), hashlib.sha256).hexdigest()
    return "erased-" + digest[:24]


def add_entry(session: Session, who: str, action: str, patient: str, now: dt.datetime | None = None) -> None:
    """Write one row inside the caller's transaction (a deletion and its log row stand or fall together)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    if not who:
        raise ValueError("Say who did it.")
    session.add(AccessAudit(at=as_utc(now), who=str(who)[:64], action=action, patient=patient[:64]))


def record_access(
    db: Database,
    who: str,
    action: str,
    patient: str,
    now: dt.datetime | None = None,
    *,
    repeat_window: dt.timedelta | None = None,
) -> bool:
    """Log one access; with ``repeat_window``, not when the same person did the same to the same patient
    that recently (returns False then)."""
    moment = as_utc(now)
    with db.session() as session:
        if repeat_window is not None:
            recent = session.scalar(
                select(AccessAudit.id)
                .where(
                    AccessAudit.who == str(who),
                    AccessAudit.action == action,
                    AccessAudit.patient == patient,
                    AccessAudit.at > moment - repeat_window,
                )
                .limit(1)
            )
            if recent is not None:
                return False
        add_entry(session, who, action, patient, moment)
        return True


def forget_patient_in_log(session: Session, patient: str, secret: bytes) -> str:
    """Replace the patient's pseudonym in their log rows by the erased code; returns the code."""
    reference = erased_reference(patient, secret)
    session.execute(update(AccessAudit).where(AccessAudit.patient == patient).values(patient=reference))
    return reference


def access_log(db: Database, *, limit: int = 200, patient: str | None = None) -> list[AccessEntry]:
    """The latest entries first (all of one patient, or of an erased code, with ``patient``)."""
    with db.session() as session:
        query = select(AccessAudit).order_by(AccessAudit.at.desc(), AccessAudit.id.desc()).limit(limit)
        if patient is not None:
            query = query.where(AccessAudit.patient == patient)
        return [
            AccessEntry(int(r.id), as_utc(r.at), str(r.who), str(r.action), str(r.patient))
            for r in session.scalars(query)
        ]


def staff_names(db: Database) -> dict[str, str]:
    """Staff user id (as the log keeps it) -> user name, for showing the log."""
    with db.session() as session:
        return {str(i): str(name) for i, name in session.execute(select(StaffUser.id, StaffUser.username))}
