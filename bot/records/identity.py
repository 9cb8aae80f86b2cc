"""Who a privacy request is about: the patient's pseudonym and every conversation id that maps to it.

Rows in the app database are keyed by the pseudonym (`bot.privacy.pseudonym`, an HMAC of the conversation
id), which cannot be turned back into the id. Rasa's store is keyed by the conversation id itself. So to
find a patient's chats we go the other way: take every conversation id we can see (Rasa's distinct
senders, the sealed ids kept for reminders, tickets and pending erasures, the Telegram chat table) and keep
those whose pseudonym is the patient's. A clinic may know either value (a conversation id from its own
integration, or a pseudonym from the console), so both are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import privacy
from bot.records.tracker import TrackerEvents
from bot.storage.db import Database
from bot.storage.models import ErasureRequest, HandoffTicket, Reminder, TelegramChat

PSEUDONYM = re.compile(r"[0-9a-f]{32}")


def looks_like_pseudonym(value: str) -> bool:
    """32 lower-case hex digits: the shape of `bot.privacy.pseudonym`."""
    return PSEUDONYM.fullmatch(value) is not None


@dataclass(frozen=True)
class Subject:
    """One patient: the pseudonym, and the conversation ids found for it (sorted, possibly none)."""

    patient: str
    conversations: tuple[str, ...]


def patient_of(secret: bytes, *, patient: str | None = None, sender: str | None = None) -> str:
    """The pseudonym from either value; both given must agree (a mix-up must not delete someone else)."""
    if patient is None and sender is None:
        raise ValueError("Say whose data: a conversation id or a pseudonym.")
    if sender is not None:
        derived = privacy.pseudonym(sender, secret)
        if patient is not None and patient != derived:
            raise ValueError("That conversation id does not belong to that pseudonym.")
        return derived
    assert patient is not None
    if not patient.strip():
        raise ValueError("The pseudonym is empty.")
    return patient


def _sealed_ids(session: Session, secret: bytes) -> Iterable[str]:
    """Conversation ids the app database keeps sealed (reminders, tickets, erasures), unsealed."""
    for column in (Reminder.conversation, HandoffTicket.conversation, ErasureRequest.conversation):
        for sealed in session.scalars(select(column).where(column != "")):
            opened = privacy.unseal(str(sealed), secret)
            if opened:
                yield opened


def resolve(
    db: Database, store: TrackerEvents, secret: bytes, *, patient: str | None = None, sender: str | None = None
) -> Subject:
    """The patient and all their conversation ids (the given ``sender`` always among them)."""
    pseudonym = patient_of(secret, patient=patient, sender=sender)
    candidates: set[str] = set(store.senders())
    with db.session() as session:
        candidates.update(str(c) for c in session.scalars(select(TelegramChat.conversation)))
        candidates.update(_sealed_ids(session, secret))
    found = {c for c in candidates if privacy.pseudonym(c, secret) == pseudonym}
    if sender is not None:
        found.add(sender)
    return Subject(pseudonym, tuple(sorted(found)))
