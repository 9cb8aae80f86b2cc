"""The patient's side of a hand-off: open a ticket, pass on what they write, bring back what staff write.

Plain functions over the app database, called by the thin actions in actions/handoff.py. The replies are
domain responses (checked for reading level with everything else) or the clinic profile's own messages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from bot.content.models import ClinicProfile, Library
from bot.handoff.transcript import activity, transcript
from bot.learning.tutor import Say, content
from bot.privacy import seal
from bot.settings import Settings
from bot.storage import handoff as store
from bot.storage.db import Database

STOP_INTENTS = frozenset({"lesson_stop"})
# A phone number as people type it: "+1 555 0100", "(555) 010-0100", "07700 900123".
PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def clinic_values(clinic: ClinicProfile | None) -> dict[str, str]:
    if clinic is None:
        return {"clinic_name": "your clinic", "emergency_number": "your local emergency number", "opening_hours": ""}
    return {"clinic_name": clinic.name, "emergency_number": clinic.emergency_number,
            "opening_hours": clinic.hours_text()}


def is_open(settings: Settings, clinic: ClinicProfile | None, now: dt.datetime) -> bool:
    """Whether someone is there to answer now: the clinic's hours, unless the settings say always or never."""
    if settings.handoff_hours == "always":
        return True
    if settings.handoff_hours == "never" or clinic is None:
        return False
    return clinic.is_open(now)


class Desk:
    """One patient's hand-off, seen from the chat."""

    def __init__(self, db: Database, library: Library, settings: Settings, secret: bytes, patient: str,
                 now: dt.datetime | None = None) -> None:
        self.db, self.library, self.settings, self.secret = db, library, settings, secret
        self.patient = patient
        self.now = now or dt.datetime.now(dt.UTC)

    @property
    def clinic(self) -> ClinicProfile | None:
        return self.library.clinic

    def _message(self, key: str, fallback: str) -> Say:
        text = self.clinic.messages.get(key) if self.clinic else None
        return content(self.clinic.fill(text)) if text and self.clinic else Say(fallback, clinic_values(self.clinic))

    def start(self, reason: str, conversation: str, channel: str, events: Iterable[dict[str, Any]],
              active_loop: str | None) -> list[Say]:
        """Open (or reuse) the ticket and tell the patient what happens next."""
        events = list(events)
        open_now = is_open(self.settings, self.clinic, self.now)
        ticket, _created = store.open_ticket(
            self.db, self.patient, seal(conversation, self.secret), channel, reason,
            activity(events, active_loop), not open_now, transcript(events))
        values = clinic_values(self.clinic)
        if reason in store.URGENT_REASONS:
            store.add_line(self.db, ticket.id, "system", "The assistant sent the clinic's emergency guidance.")
            return [Say("utter_emergency_team_told", values)]
        if not open_now:
            return [self._message("out_of_hours", "utter_handoff_closed"), Say("utter_handoff_leave_message")]
        return [self._message("handoff_waiting", "utter_handoff_waiting"), Say("utter_handoff_how_to_leave")]

    def relay(self, text: str, intent: str | None, alarm_kind: str | None) -> tuple[list[Say], bool]:
        """A message while the hand-off is on: pass it to staff. Returns the replies and whether it ended."""
        ticket = store.open_ticket_for(self.db, self.patient)
        if ticket is None:
            return [Say("utter_handoff_back")], True
        if alarm_kind is not None:
            store.add_line(self.db, ticket.id, "patient", text)
            store.escalate(self.db, ticket.id, alarm_kind)
            store.add_line(self.db, ticket.id, "system", "The assistant sent the clinic's emergency guidance.")
            # The guidance itself was a response Rasa served at once (data/rules.yml); here the team is told.
            return [Say("utter_emergency_team_told", clinic_values(self.clinic))], False
        if intent in STOP_INTENTS and ticket.status == "waiting":
            if ticket.priority == "urgent":
                # Someone who may be in danger can go back to the assistant, but the team still sees the ticket.
                store.add_line(self.db, ticket.id, "system", "The patient went back to the assistant. "
                                                             "The ticket stays open: please check on them.")
                return [Say("utter_handoff_left_urgent", clinic_values(self.clinic))], True
            store.close(self.db, ticket.id, None, "The patient said they no longer need a person.")
            return [Say("utter_handoff_cancelled")], True
        store.add_line(self.db, ticket.id, "patient", text)
        if ticket.status == "claimed":
            return [], False  # a person is answering: the assistant stays quiet
        if PHONE.search(text):
            store.set_contact(self.db, ticket.id, seal(text, self.secret))
            return [Say("utter_handoff_contact_saved")], False
        return [Say("utter_handoff_noted")], False

    def staff_lines(self, ticket_id: int | None = None) -> list[Say]:
        """What staff wrote that the patient has not seen yet, each marked as from a person."""
        ticket = store.get_ticket(self.db, ticket_id) if ticket_id else store.open_ticket_for(self.db, self.patient)
        if ticket is None or ticket.patient != self.patient:
            return []
        return [content(f"{line.name or 'Clinic team'} (clinic team): {line.text}")
                for line in store.take_undelivered(self.db, ticket.id)]

    def end(self, ticket_id: int | None = None) -> list[Say]:
        """Staff closed the hand-off: anything they still had to say, then the assistant is back."""
        return [*self.staff_lines(ticket_id), Say("utter_handoff_back")]


def medical_question(events: Iterable[dict[str, Any]]) -> str | None:
    """The patient's latest medical question, to add to their list when they say yes."""
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "medical_advice" and event.get("text") and not str(event["text"]).startswith("/"):
            return str(event["text"])
    return None
