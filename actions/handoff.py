"""Emergencies and hand-off to a person: thin actions over bot/handoff and bot/safety.

While a person at the clinic has the conversation, the `handoff_form` loop is active: every message the
patient sends fills its one slot, `validate_handoff_form` passes it on to the ticket, and the slot is
emptied again, so the loop never finishes by itself. The assistant stays quiet except for a short "passed
on" while nobody has claimed the ticket. Staff replies and the end of the hand-off arrive as external
intents sent by the web app through Rasa's `trigger_intent` endpoint, on the patient's own channel.
"""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import reminder_replies
from actions.base import PlainhealthAction, entity, last_bot_response, send
from bot.appointments.delivery import REMINDER_INTENT
from bot.fallback import consecutive_fallbacks
from bot.handoff.desk import Desk, clinic_values
from bot.learning.tutor import Say
from bot.runtime import Runtime, get_runtime
from bot.safety.detector import DANGER_WORDS
from bot.safety.net import EMERGENCY, KINDS, alarm, normalise
from bot.safety.responses import KIND_SLOT
from bot.storage.handoff import open_ticket_for

HANDOFF_LOOP = "handoff_form"
STAFF_REPLY_INTENT = "EXTERNAL_staff_reply"
HANDOFF_ENDED_INTENT = "EXTERNAL_handoff_ended"
HANDOFF_SLOT = "handoff_message"
# The response that offered a person just before "talk to a person": it tells staff why they were asked.
OFFERS = {"utter_no_medical_advice": "medical_advice", "utter_offer_add_medical_question": "medical_advice",
          "utter_offer_human": "not_understood"}


def desk_for(runtime: Runtime, tracker: Tracker) -> Desk:
    return Desk(runtime.db, runtime.library, runtime.settings, runtime.secret, runtime.patient_id(tracker.sender_id))


def alarm_kind(tracker: Tracker) -> str | None:
    """The kind of danger in the latest message: the safety net's verdict from NLU, else ask it again."""
    message = tracker.latest_message or {}
    safety = message.get("safety") or {}
    if safety.get("kind") in KINDS:
        return str(safety["kind"])
    if (message.get("intent") or {}).get("name") == "emergency" and tracker.get_slot(KIND_SLOT) in KINDS:
        return str(tracker.get_slot(KIND_SLOT))  # "yes, someone is in danger" after "are you in danger?"
    found = alarm(str(message.get("text") or ""))
    if found is not None:
        return found.kind
    if (message.get("intent") or {}).get("name") == "emergency":
        return EMERGENCY  # the classifier's call: the rules did not see it, but safety comes first
    return None


def start_loop() -> list[EventType]:
    return [ActiveLoop(HANDOFF_LOOP), SlotSet("requested_slot", HANDOFF_SLOT)]


class HandoffAction(PlainhealthAction, abc.ABC):
    def desk(self, tracker: Tracker) -> Desk:
        return desk_for(self.runtime, tracker)

    def open(self, dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
        replies = self.desk(tracker).start(reason, tracker.sender_id, tracker.get_latest_input_channel() or "",
                                           tracker.events, tracker.active_loop_name)
        send(dispatcher, replies)


class ActionEmergency(HandoffAction):
    """After the guidance (a response Rasa served itself, so it never waits for us): an urgent ticket, so
    staff see the chat at once, and "I told the team"."""

    def name(self) -> str:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = alarm_kind(tracker) or EMERGENCY
        self.open(dispatcher, tracker, kind)
        return []


class ActionHandoff(HandoffAction):
    """"Talk to a person": open a normal ticket (the reason says what came before)."""

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        reason = OFFERS.get(last_bot_response(tracker) or "", "asked")
        self.open(dispatcher, tracker, reason)
        return []


class ActionFallback(HandoffAction):
    """First miss: ask to rephrase. Second miss in a row: a person takes over.

    If the classifier's best guess was an emergency that the safety net's rules did not confirm, the patient
    gets the emergency number at once and is asked whether someone is in danger: asking someone in danger to
    rephrase costs time they may not have, but an urgent ticket for "i'm blue today" helps nobody.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        from bot.fallback import best_guess

        if best_guess(tracker.latest_message) == "emergency":
            # The classifier alone suspects danger: the number now, and one tap to the full guidance.
            send(dispatcher, [Say("utter_emergency_check", clinic_values(self.runtime.library.clinic))])
            return []
        if consecutive_fallbacks(tracker.events) >= 2:
            dispatcher.utter_message(response="utter_handing_to_person")
            self.open(dispatcher, tracker, "not_understood")
            return start_loop()
        dispatcher.utter_message(response="utter_ask_rephrase")
        if DANGER_WORDS.search(normalise(str(tracker.latest_message.get("text") or ""))):
            # Never only "say it another way" to a message that speaks of danger.
            send(dispatcher, [Say("utter_if_in_danger", clinic_values(self.runtime.library.clinic))])
        return []


class ValidateHandoffForm(FormValidationAction):
    """Every message during a hand-off: pass it on (and keep the loop going), or end it."""

    def name(self) -> str:
        return "validate_handoff_form"

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    def validate_handoff_message(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # Events from the web app and the reminder scheduler come through the loop too: were they left to
        # rules, the loop would be "rejected" and the patient's next message answered by the assistant.
        raw = entity(tracker, "handoff") or ""
        ticket_id = int(raw) if raw.isdigit() else None
        if intent == STAFF_REPLY_INTENT:
            send(dispatcher, desk_for(self.runtime, tracker).staff_lines(ticket_id))
            return {HANDOFF_SLOT: None}
        if intent == HANDOFF_ENDED_INTENT:
            send(dispatcher, desk_for(self.runtime, tracker).end(ticket_id))
            return {HANDOFF_SLOT: None, "requested_slot": None}
        if intent == REMINDER_INTENT:
            send(dispatcher, reminder_replies(self.runtime, tracker))
            return {HANDOFF_SLOT: None}
        text = str(tracker.latest_message.get("text") or value or "")
        kind = alarm_kind(tracker)
        replies, ended = desk_for(self.runtime, tracker).relay(text, intent, kind)
        send(dispatcher, replies)
        if ended:
            return {HANDOFF_SLOT: None, "requested_slot": None}
        return {HANDOFF_SLOT: None}


class ActionAskHandoffMessage(PlainhealthAction):
    """The hand-off loop's "question" says nothing: the patient is talking with a person."""

    def name(self) -> str:
        return "action_ask_handoff_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return []


class ActionStaffReply(HandoffAction):
    """Sent by the web app when staff wrote: deliver their lines on the patient's channel."""

    def name(self) -> str:
        return "action_staff_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        raw = entity(tracker, "handoff") or ""
        send(dispatcher, self.desk(tracker).staff_lines(int(raw) if raw.isdigit() else None))
        return []


class ActionHandoffEnd(HandoffAction):
    """Staff closed the ticket: their last lines, then "you are back with the assistant"."""

    def name(self) -> str:
        return "action_handoff_end"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        raw = entity(tracker, "handoff") or ""
        send(dispatcher, self.desk(tracker).end(int(raw) if raw.isdigit() else None))
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(HANDOFF_SLOT, None)]


class ActionHandoffDone(PlainhealthAction):
    """The loop ended from the patient's side (they said stop, or the ticket was closed while away)."""

    def name(self) -> str:
        return "action_handoff_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return []


class ActionSessionStart(PlainhealthAction):
    """A new chat session (after an hour's silence) keeps a hand-off that is still open.

    Rasa clears slots and loops when a session expires; without this, a patient who comes back to a
    waiting ticket would be answered by the assistant instead of being passed on to the person.
    """

    def name(self) -> str:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        events: list[EventType] = [SessionStarted()]
        patient = self.runtime.patient_id(tracker.sender_id)
        if open_ticket_for(self.runtime.db, patient) is not None:
            events += start_loop()
        return [*events, ActionExecuted("action_listen")]
