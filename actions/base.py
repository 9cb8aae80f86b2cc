"""The shared base of every plainhealth action (abstract, so rasa_sdk does not register it), and the one
place where the conversation core's answers become Rasa messages and events.

Actions import only this module and `bot`: each reads the tracker, calls the patient's `Conversation`
(bot/conversation/core.py), and sends what comes back with `ConversationAction.reply`.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, ReminderCancelled, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers.asking import RequestWords
from bot.channels.marks import STAFF_NAME_KEY, START_OVER_KEY
from bot.contracts import Entity, ExternalIntent, Loop, Slot
from bot.conversation.core import CancelReminder, Conversation, Effect, Outcome, ScheduleReminder
from bot.conversation.feelings import feeling_of
from bot.conversation.replies import Say
from bot.runtime import Runtime, get_runtime


class PlainhealthAction(Action, abc.ABC):
    # Whether this action's replies are a fitting place for the privacy note on first contact; never in an
    # emergency, a hand-off, a reminder or the privacy and deletion answers themselves.
    shows_privacy_note = True
    # Whether a worried or frustrated message gets a warm word before this action's replies (not in an
    # emergency or a hand-off, where the words are fixed and the team is told).
    shows_feelings = True
    # The words a request for this action always carries (bot/answers/asking.py): a message read as this
    # request without any of them is answered as the health question it is, when the content answers it.
    request_words: RequestWords | None = None

    @abc.abstractmethod
    def name(self) -> str: ...

    def health_question_instead(self, tracker: Tracker, conversation: Conversation) -> list[Say] | None:
        """The answer to a health question the NLU took for this action's request ("natural ways to ease
        pain" read as "delete my data"), or None: the request goes ahead."""
        text = said(tracker)
        answerer = self.runtime.answerer
        if self.request_words is None or not text or self.request_words.heard(text, answerer.knows):
            return None
        return conversation.answer_if_asked(text, answerer, own_question=False)

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    def conversation(self, tracker: Tracker) -> Conversation:
        return self.runtime.conversation(tracker.sender_id)

    def reply(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        conversation: Conversation,
        outcome: Outcome | list[Say],
    ) -> list[EventType]:
        """Send the replies, remember what they ask (for the next short answer), and return Rasa's events."""
        if isinstance(outcome, list):
            outcome = Outcome(outcome)
        if outcome.forgotten:  # the patient's data was just deleted: store nothing more about them
            send(dispatcher, outcome.replies)
            return [rasa_event(effect) for effect in outcome.effects]
        feeling = feeling_of(str(tracker.latest_message.get("text") or "")) if self.shows_feelings else None
        if feeling and outcome.replies:
            send(dispatcher, [Say(feeling)])  # feelings first, then the task
        send(dispatcher, outcome.replies)
        version = self.runtime.privacy_note_version
        if self.shows_privacy_note and outcome.replies and conversation.privacy_note_due(version):
            # First contact: the answer first, then the note. What the answer asked still counts: a "yes"
            # after it answers the question, not the note (whose own buttons say OK or "Tell me more").
            send(dispatcher, conversation.privacy_note(version))
        conversation.remember(outcome.replies, turns(tracker.events)[0])
        return [rasa_event(effect) for effect in outcome.effects]


class ConversationAction(PlainhealthAction, abc.ABC):
    """An action that is one call to the conversation core (abstract: rasa_sdk registers only concrete ones)."""

    @abc.abstractmethod
    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome | list[Say]: ...

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        answered = self.health_question_instead(tracker, conversation)
        if answered is not None:
            return self.reply(dispatcher, tracker, conversation, answered)
        return self.reply(dispatcher, tracker, conversation, self.respond(conversation, tracker))


def turns(events: list[dict[str, Any]]) -> tuple[str, str]:
    """The patient's latest message and the one before it, as turn keys: their time in the conversation
    (Rasa stamps every event), or their position when a hand-built tracker has no times."""
    keys = [
        repr(float(e["timestamp"])) if isinstance(e.get("timestamp"), int | float) else f"#{i}"
        for i, e in enumerate(e for e in events if e.get("event") == "user")
    ]
    return (keys[-1] if keys else "", keys[-2] if len(keys) > 1 else "")


def rasa_event(effect: Effect) -> EventType:
    if isinstance(effect, ScheduleReminder):
        return ReminderScheduled(
            ExternalIntent.APPOINTMENT_REMINDER.value,
            trigger_date_time=effect.when,
            entities={Entity.REMINDER.value: str(effect.reminder_id)},
            name=effect.name,
            kill_on_user_message=False,
        )
    if isinstance(effect, CancelReminder):
        return ReminderCancelled(name=effect.name)
    raise TypeError(f"no Rasa event for {effect!r}")


# Rasa 3.6 fills a response with ``str.format`` and then, if the result contains "0[" anywhere (its own
# "{0[name]}" marker, or simply a patient's "0[x]"), throws the result away and sends the raw template:
# "Your questions ({count}):\n{questions}". An invisible WORD JOINER between the two characters keeps the
# words exactly as typed on screen and for screen readers, and the marker can no longer appear.
# (rasa/core/nlg/interpolator.py; braces and "%s" in values are inserted literally, so they need nothing.)
_WORD_JOINER = "\u2060"


def template_value(value: Any) -> Any:
    """A value as it must be handed to Rasa so that its response shows it as written (see above).

    A leading "[" is guarded too: the value before it, or the template, may end in "0".
    """
    if not isinstance(value, str):
        return value
    value = value.replace("0[", f"0{_WORD_JOINER}[")
    return _WORD_JOINER + value if value.startswith("[") else value


def template_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: template_value(value) for name, value in values.items()}


def send(dispatcher: CollectingDispatcher, replies: Iterable[Say]) -> None:
    """The one way actions send replies, so every value (patient, staff or content words) is made safe
    for Rasa's template filling here, not at each call."""
    for say in replies:
        marks: dict[str, Any] = {STAFF_NAME_KEY: say.staff} if say.staff else {}
        if say.start_over:
            marks[START_OVER_KEY] = True
        if say.response:
            dispatcher.utter_message(
                response=say.response, buttons=list(say.buttons), **template_values(say.values), **marks
            )
        else:
            dispatcher.utter_message(text=say.text, buttons=list(say.buttons), **marks)


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value not in (None, "") else None


def said(tracker: Tracker) -> str:
    """The patient's own words; a button's payload is not words."""
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else text


def awaiting(conversation: Conversation, tracker: Tracker) -> Any:
    """What the assistant asked in answer to the patient's previous message (bot.contracts.Awaiting)."""
    return conversation.awaiting(turns(tracker.events)[1])


def start_handoff_loop() -> list[EventType]:
    """While a person has the chat, every message fills the hand-off loop's one slot (actions/handoff.py)."""
    return [ActiveLoop(Loop.HANDOFF), SlotSet(Slot.REQUESTED, Slot.HANDOFF_MESSAGE)]


def open_handoff(
    action: PlainhealthAction,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    conversation: Conversation,
    reason: str,
) -> list[EventType]:
    """Open (or reuse) the patient's ticket and tell them what happens next; shared by hand-off and
    emergencies, which differ only in the reason."""
    replies = conversation.desk.start(
        reason, tracker.sender_id, tracker.get_latest_input_channel() or "", tracker.events, tracker.active_loop_name
    )
    return action.reply(dispatcher, tracker, conversation, replies)
