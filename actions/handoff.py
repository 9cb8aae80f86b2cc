"""Hand-off to a person: thin actions over the patient's `Conversation` (its `desk`).

While a person at the clinic has the conversation, the `handoff_form` loop is active: every message the
patient sends fills its one slot, `validate_handoff_form` passes it on to the ticket, and the slot is
emptied again, so the loop never finishes by itself. The assistant stays quiet except for a short "passed
on" while nobody has claimed the ticket. Staff replies and the end of the hand-off arrive as external
intents sent by the web app through Rasa's `trigger_intent` endpoint, on the patient's own channel.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import PlainhealthAction, awaiting, entity, open_handoff, send, start_handoff_loop
from bot.contracts import Entity, ExternalIntent, Slot
from bot.conversation.core import Conversation
from bot.conversation.replies import Say
from bot.fallback import best_guess, consecutive_fallbacks
from bot.handoff.desk import clinic_values
from bot.runtime import Runtime, get_runtime
from bot.safety.detector import DANGER_WORDS
from bot.safety.net import normalise
from bot.safety.responses import KIND_SLOT
from bot.safety.verdict import alarm_kind
from bot.storage.handoff import open_ticket_for


def ticket_id(tracker: Tracker) -> int | None:
    raw = entity(tracker, Entity.HANDOFF) or ""
    return int(raw) if raw.isdigit() else None


class ActionHandoff(PlainhealthAction):
    """ "Talk to a person": open a normal ticket (the reason says what came before)."""

    shows_privacy_note = False
    shows_feelings = False

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        reason = conversation.handoff_reason(awaiting(conversation, tracker))
        return open_handoff(self, dispatcher, tracker, conversation, reason)


class ActionFallback(PlainhealthAction):
    """First miss: ask to rephrase. Second miss in a row: a person takes over.

    If the classifier's best guess was an emergency that the safety net's rules did not confirm, the patient
    gets the emergency number at once and is asked whether someone is in danger: asking someone in danger to
    rephrase costs time they may not have, but an urgent ticket for "i'm blue today" helps nobody.
    """

    shows_privacy_note = False
    shows_feelings = False

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        values = clinic_values(conversation.clinic)
        if best_guess(tracker.latest_message) == "emergency":
            # The classifier alone suspects danger: the number now, and one tap to the full guidance.
            return self.reply(dispatcher, tracker, conversation, [Say("utter_emergency_check", values)])
        text = str(tracker.latest_message.get("text") or "")
        answered = conversation.answer_if_covered(text, self.runtime.answerer)
        if answered is not None:
            # Not understood as a request, but a general health question the lessons answer.
            return self.reply(dispatcher, tracker, conversation, answered)
        if consecutive_fallbacks(tracker.events) >= 2:
            send(dispatcher, [Say("utter_handing_to_person")])
            return [*open_handoff(self, dispatcher, tracker, conversation, "not_understood"), *start_handoff_loop()]
        replies = [Say("utter_ask_rephrase")]
        if DANGER_WORDS.search(normalise(str(tracker.latest_message.get("text") or ""))):
            # Never only "say it another way" to a message that speaks of danger.
            replies.append(Say("utter_if_in_danger", values))
        return self.reply(dispatcher, tracker, conversation, replies)


class ValidateHandoffForm(FormValidationAction):
    """Every message during a hand-off: pass it on (and keep the loop going), or end it."""

    def name(self) -> str:
        return "validate_handoff_form"

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    def conversation(self, tracker: Tracker) -> Conversation:
        return self.runtime.conversation(tracker.sender_id)

    def validate_handoff_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # Events from the web app and the reminder scheduler come through the loop too: were they left to
        # rules, the loop would be "rejected" and the patient's next message answered by the assistant.
        conversation = self.conversation(tracker)
        if intent == ExternalIntent.STAFF_REPLY:
            send(dispatcher, conversation.desk.staff_lines(ticket_id(tracker)))
            return {Slot.HANDOFF_MESSAGE: None}
        if intent == ExternalIntent.HANDOFF_ENDED:
            send(dispatcher, conversation.desk.end(ticket_id(tracker)))
            return {Slot.HANDOFF_MESSAGE: None, Slot.REQUESTED: None}
        if intent == ExternalIntent.APPOINTMENT_REMINDER:
            send(dispatcher, conversation.reminder_due(entity(tracker, Entity.REMINDER)))
            return {Slot.HANDOFF_MESSAGE: None}
        text = str(tracker.latest_message.get("text") or value or "")
        kind = alarm_kind(tracker.latest_message or {}, tracker.get_slot(KIND_SLOT))
        replies, ended = conversation.desk.relay(text, intent, kind)
        send(dispatcher, replies)
        if ended:
            return {Slot.HANDOFF_MESSAGE: None, Slot.REQUESTED: None}
        return {Slot.HANDOFF_MESSAGE: None}


class ActionAskHandoffMessage(PlainhealthAction):
    """The hand-off loop's "question" says nothing: the patient is talking with a person."""

    def name(self) -> str:
        return "action_ask_handoff_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return []


class ActionStaffReply(PlainhealthAction):
    """Sent by the web app when staff wrote: deliver their lines on the patient's channel."""

    def name(self) -> str:
        return "action_staff_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send(dispatcher, self.conversation(tracker).desk.staff_lines(ticket_id(tracker)))
        return []


class ActionHandoffEnd(PlainhealthAction):
    """Staff closed the ticket: their last lines, then "you are back with the assistant"."""

    def name(self) -> str:
        return "action_handoff_end"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send(dispatcher, self.conversation(tracker).desk.end(ticket_id(tracker)))
        return [ActiveLoop(None), SlotSet(Slot.REQUESTED, None), SlotSet(Slot.HANDOFF_MESSAGE, None)]


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
            events += start_handoff_loop()
        return [*events, ActionExecuted("action_listen")]
