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
from bot.contracts import TicketStatus
from bot.conversation.replies import Say, content
from bot.handoff.transcript import activity, transcript
from bot.privacy import seal
from bot.settings import Settings
from bot.storage import handoff as tickets
from bot.storage.db import Database

STOP_INTENTS = frozenset({"lesson_stop"})
# A run of digits that could be a phone number: an optional "+" or "(", then digits with the separators
# people type between groups. It may not start or end inside a word, a date ("12/03"), a time ("10:30"), a
# decimal ("7.8") or a larger figure ("1,200"), so those are never cut into a plausible-looking piece.
_CANDIDATE = re.compile(r"(?<![\w/.,:+()-])(?:\+\s*|\(\s*)?\d[\d\s().-]*\d(?!\w|[/:]|[.,]\d)")
# Shapes of readings, dates and times that have as many digits as a phone number.
_NOT_A_PHONE = [
    re.compile(r"\d{1,2}[\s./-]+\d{1,2}[\s./-]+(?:\d{2}|\d{4})"),  # 12.03.2025, 12 03 2025
    re.compile(r"\d{4}[\s./-]+\d{1,2}[\s./-]+\d{1,2}"),  # 2025-03-12
    re.compile(r"\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}"),  # 09.30-10.45
]
# A patient's reference numbers are not ways to call them.
_ID_NUMBER = re.compile(
    r"\b(?:nhs|patient|hospital|id|reference|ref|insurance|policy|member|account|case|"
    r"medicare|medicaid|social security|ssn)\s*(?:number|no\b|#)",
    re.IGNORECASE,
)
# Words that say the number is the patient's own, to call back on.
_PHONE_WORDS = re.compile(
    r"\b(?:phone|mobile|cell|tel|telephone|landline|call|ring|reach|text|whatsapp|"
    r"(?:my|new|other|different|correct|right)\s+number)\b",
    re.IGNORECASE,
)


def _hhmm_or_year(group: str) -> bool:
    return (int(group[:2]) < 24 and int(group[2:]) < 60) or group.startswith(("19", "20"))


def _looks_like_phone(candidate: str) -> bool:
    """Whether one run of digits is a phone number rather than a reading, a range, a date or a time.

    Real numbers have 7 to 15 digits (E.164), and either a group of four or more digits, a leading "+"
    (country code), "(" (area code) or "0" (trunk prefix). Readings are short groups ("120 135 140",
    "37.5"), ranges have a spaced dash ("120 - 135") or two clock times or years ("0900-1000", "2019-2023").
    """
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15:
        return False
    if re.search(r"\d\s+-|-\s+\d", candidate) or any(p.fullmatch(candidate) for p in _NOT_A_PHONE):
        return False
    groups = re.findall(r"\d+", candidate)
    international = candidate.startswith("+")
    if any(len(group) < 2 for group in groups[1 if international else 0 :]):
        return False  # "37.5 38.2", "1 2 3 4 5 6 7"
    if len(groups) == 2 and all(len(g) == 4 and _hhmm_or_year(g) for g in groups) and "-" in candidate:
        return False
    prefixed = international or candidate.startswith(("(", "0"))
    return prefixed or max(len(group) for group in groups) >= 4


def find_phone(text: str) -> str | None:
    """The phone number in a patient's message, as they typed it, or None.

    Strict on purpose: during a hand-off patients also write blood sugar, blood pressure, dates and times,
    and a reading taken for a phone number would overwrite the number the team calls back on.
    """
    labels = [label.end() for label in _ID_NUMBER.finditer(text)]
    for match in _CANDIDATE.finditer(text):
        if any(end <= match.start() and len(re.findall(r"\w+", text[end : match.start()])) <= 2 for end in labels):
            continue  # "my NHS number is 943 476 5919"
        candidate = match.group(0).strip()
        if _looks_like_phone(candidate):
            return candidate
    return None


def gives_new_number(text: str, number: str) -> bool:
    """Whether a message with a phone number in it is the patient giving their number ("call me on ...",
    "my new number is ...", or the number alone), rather than mentioning one ("the pharmacy is on ...")."""
    rest = text.replace(number, " ")
    return bool(_PHONE_WORDS.search(rest)) or len(re.findall(r"\w+", rest)) <= 2


def clinic_values(clinic: ClinicProfile | None) -> dict[str, str]:
    if clinic is None:
        return {"clinic_name": "your clinic", "emergency_number": "your local emergency number", "opening_hours": ""}
    return {
        "clinic_name": clinic.name,
        "emergency_number": clinic.emergency_number,
        "opening_hours": clinic.hours_text(),
    }


def is_open(settings: Settings, clinic: ClinicProfile | None, now: dt.datetime) -> bool:
    """Whether someone is there to answer now: the clinic's hours, unless the settings say always or never."""
    if settings.handoff_hours == "always":
        return True
    if settings.handoff_hours == "never" or clinic is None:
        return False
    return clinic.is_open(now)


class Desk:
    """One patient's hand-off, seen from the chat."""

    def __init__(
        self,
        db: Database,
        library: Library,
        settings: Settings,
        secret: bytes,
        patient: str,
        now: dt.datetime | None = None,
    ) -> None:
        self.db, self.library, self.settings, self.secret = db, library, settings, secret
        self.patient = patient
        self.now = now or dt.datetime.now(dt.UTC)

    @property
    def clinic(self) -> ClinicProfile | None:
        return self.library.clinic

    def _message(self, key: str, fallback: str) -> Say:
        text = self.clinic.messages.get(key) if self.clinic else None
        return content(self.clinic.fill(text)) if text and self.clinic else Say(fallback, clinic_values(self.clinic))

    def start(
        self, reason: str, conversation: str, channel: str, events: Iterable[dict[str, Any]], active_loop: str | None
    ) -> list[Say]:
        """Open (or reuse) the ticket and tell the patient what happens next."""
        events = list(events)
        open_now = is_open(self.settings, self.clinic, self.now)
        ticket, _created = tickets.open_ticket(
            self.db,
            self.patient,
            seal(conversation, self.secret),
            channel,
            reason,
            activity(events, active_loop),
            not open_now,
            transcript(events),
        )
        values = clinic_values(self.clinic)
        if reason in tickets.URGENT_REASONS:
            tickets.add_line(self.db, ticket.id, "system", "The assistant sent the clinic's emergency guidance.")
            return [Say("utter_emergency_team_told", values)]
        if not open_now:
            return [self._message("out_of_hours", "utter_handoff_closed"), Say("utter_handoff_leave_message")]
        return [self._message("handoff_waiting", "utter_handoff_waiting"), Say("utter_handoff_how_to_leave")]

    def relay(self, text: str, intent: str | None, alarm_kind: str | None) -> tuple[list[Say], bool]:
        """A message while the hand-off is on: pass it to staff. Returns the replies and whether it ended."""
        ticket = tickets.open_ticket_for(self.db, self.patient)
        if ticket is None:
            return [Say("utter_handoff_back")], True
        if alarm_kind is not None:
            tickets.add_line(self.db, ticket.id, "patient", text)
            tickets.escalate(self.db, ticket.id, alarm_kind)
            tickets.add_line(self.db, ticket.id, "system", "The assistant sent the clinic's emergency guidance.")
            # The guidance itself was a response Rasa served at once (data/rules.yml); here the team is told.
            return [Say("utter_emergency_team_told", clinic_values(self.clinic))], False
        if intent in STOP_INTENTS and ticket.status == TicketStatus.WAITING:
            if ticket.priority == "urgent":
                # Someone who may be in danger can go back to the assistant, but the team still sees the ticket.
                tickets.add_line(
                    self.db,
                    ticket.id,
                    "system",
                    "The patient went back to the assistant. The ticket stays open: please check on them.",
                )
                return [Say("utter_handoff_left_urgent", clinic_values(self.clinic))], True
            tickets.close(self.db, ticket.id, None, "The patient said they no longer need a person.")
            return [Say("utter_handoff_cancelled")], True
        tickets.add_line(self.db, ticket.id, "patient", text)
        if ticket.status == TicketStatus.CLAIMED:
            return [], False  # a person is answering: the assistant stays quiet
        number = find_phone(text)
        # The first number is taken as given (the patient was asked for one); a saved one is replaced only
        # by a message that clearly gives a new one, never by a number merely mentioned.
        if number and (ticket.contact is None or gives_new_number(text, number)):
            tickets.set_contact(self.db, ticket.id, seal(text, self.secret))
            return [Say("utter_handoff_contact_saved")], False
        return [Say("utter_handoff_noted")], False

    def staff_lines(self, ticket_id: int | None = None) -> list[Say]:
        """What staff wrote that the patient has not seen yet, each marked as from a person."""
        ticket = tickets.get_ticket(self.db, ticket_id) if ticket_id else tickets.open_ticket_for(self.db, self.patient)
        if ticket is None or ticket.patient != self.patient:
            return []
        lines = tickets.take_undelivered(self.db, ticket.id)
        return [
            Say("", text=f"{line.name or 'Clinic team'} (clinic team): {line.text}", staff=line.name or "Clinic team")
            for line in lines
        ]

    def end(self, ticket_id: int | None = None) -> list[Say]:
        """Staff closed the hand-off: anything they still had to say, then the assistant is back."""
        return [*self.staff_lines(ticket_id), Say("utter_handoff_back")]


# Messages that may be a patient's own health question (the fallback: one the content did not answer).
QUESTION_INTENTS = frozenset({"medical_advice", "nlu_fallback"})


def medical_question(events: Iterable[dict[str, Any]]) -> str | None:
    """The patient's latest medical question, to add to their list when they say yes."""
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in QUESTION_INTENTS and event.get("text") and not str(event["text"]).startswith("/"):
            return str(event["text"])
    return None
