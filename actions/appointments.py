"""Getting ready for a visit: the appointment form, the checklist walk, question prompts, reminders.

Each action reads the tracker, asks the patient's `Conversation` (its `planner`), and sends what comes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import ConversationAction, PlainhealthAction, entity
from bot.answers.asking import REMINDER_REQUEST
from bot.appointments.dates import DateAnswer, parse_date
from bot.contracts import DateStatus, Entity, Slot
from bot.conversation.core import Conversation, Outcome
from bot.conversation.replies import Say
from bot.runtime import Runtime, get_runtime

# Intents that leave the form instead of answering its question.
FORM_ESCAPES = frozenset(
    {
        "emergency",
        "request_human",
        "medical_advice",
        "lesson_stop",
        "goodbye",
        "learn_topic",
        "define_term",
        "show_questions",
        "question_prompts",
        # The list of questions: "add a question: can I still drive?" typed while the form waits for the day
        # was read as a day that could not be understood, and the question was lost.
        "add_question",
        "remove_question",
        "move_question",
        "clear_questions",
        "print_questions",
        "ask_privacy",
        "forget_me",
        "give_feedback",
    }
)
# The appointment_date slot holds a day (ISO), NO_DATE, or UNREAD + the reason it could not be read.
NO_DATE = DateStatus.NONE.value
UNREAD = "?"


class ValidateAppointmentForm(FormValidationAction):
    """Reads the kind of visit and its day from the patient's words; re-asks kindly when unclear."""

    def name(self) -> str:
        return "validate_appointment_form"

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    def conversation(self, tracker: Tracker) -> Conversation:
        return self.runtime.conversation(tracker.sender_id)

    def _escaping(self, tracker: Tracker) -> bool:
        return (tracker.latest_message.get("intent") or {}).get("name") in FORM_ESCAPES

    async def extract_appointment_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "appointment_type" or self._escaping(tracker):
            return {}
        if entity(tracker, "appointment_type"):
            return {}  # the slot's own entity mapping fills it
        text = tracker.latest_message.get("text") or ""
        checklist = self.conversation(tracker).planner.checklist_for_words(text, None)
        return {"appointment_type": checklist.appointment_type if checklist else UNREAD}

    def validate_appointment_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        planner = self.conversation(tracker).planner
        # The entity's value may be a canonical type, or the patient's own (misspelt) words: "blod test".
        checklist = planner.checklist_for_words(str(value), str(value)) if isinstance(value, str) else None
        if checklist is not None:
            return {"appointment_type": checklist.appointment_type}
        dispatcher.utter_message(response="utter_appointment_type_unclear")
        return {"appointment_type": None}

    async def extract_appointment_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self._escaping(tracker) or tracker.get_slot("appointment_date"):
            return {}
        choice = entity(tracker, "choice")
        text = choice or tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            return {}
        asked = tracker.get_slot("requested_slot") == "appointment_date"
        answer = self._parse(tracker, text)
        if asked:
            return {"appointment_date": answer.date.isoformat() if answer.date else f"{UNREAD}{answer.status}"}
        # Not asked yet: keep a day named along the way ("blood test tomorrow"), ignore anything else.
        return {"appointment_date": answer.date.isoformat()} if answer.status == DateStatus.OK and answer.date else {}

    def _parse(self, tracker: Tracker, text: str) -> DateAnswer:
        conversation = self.conversation(tracker)
        return parse_date(text, conversation.today, day_first=conversation.settings.date_order == "dmy")

    def validate_appointment_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if text == UNREAD + DateStatus.SKIP:
            return {"appointment_date": NO_DATE}
        if text and not text.startswith(UNREAD):
            try:
                dt.date.fromisoformat(text)
                return {"appointment_date": text}
            except ValueError:
                pass
        status = text.removeprefix(UNREAD) or DateStatus.NONE
        responses: dict[str, str] = {
            DateStatus.PAST: "utter_date_past",
            DateStatus.TOO_FAR: "utter_date_too_far",
            DateStatus.VAGUE: "utter_date_vague",
        }
        response = responses.get(status, "utter_date_unclear")
        dispatcher.utter_message(response=response)
        return {"appointment_date": None}


class ActionAskVisitType(PlainhealthAction):
    """The form's question about the kind of visit, with a button for each checklist in the content."""

    def name(self) -> str:
        return "action_ask_appointment_form_appointment_type"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        return self.reply(
            dispatcher,
            tracker,
            conversation,
            [Say("utter_ask_visit_type", buttons=conversation.planner.type_buttons())],
        )


class ActionSaveAppointment(PlainhealthAction):
    """The form is done: save the visit, then offer a reminder or walk the checklist."""

    def name(self) -> str:
        return "action_save_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        kind = str(tracker.get_slot(Slot.APPOINTMENT_TYPE) or "")
        raw_day = str(tracker.get_slot(Slot.APPOINTMENT_DATE) or NO_DATE)
        day = None if raw_day == NO_DATE else dt.date.fromisoformat(raw_day)
        visit, saved = conversation.planner.save(kind, day)
        events = self.reply(dispatcher, tracker, conversation, [*saved, *conversation.after_visit_saved(visit)])
        return [*events, SlotSet(Slot.APPOINTMENT_TYPE, None), SlotSet(Slot.APPOINTMENT_DATE, None)]


class ActionShowChecklist(ConversationAction):
    def name(self) -> str:
        return "action_show_checklist"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.planner.show_checklist()


class ActionQuestionPrompts(ConversationAction):
    def name(self) -> str:
        return "action_question_prompts"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.planner.prompts(entity(tracker, Entity.PROMPT_SET))


class ActionSetReminder(ConversationAction):
    request_words = REMINDER_REQUEST

    def name(self) -> str:
        return "action_set_reminder"

    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome:
        return conversation.set_reminder()


class ActionCancelReminder(ConversationAction):
    def name(self) -> str:
        return "action_cancel_reminder"

    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome:
        return conversation.cancel_reminders()


class ActionSendReminder(ConversationAction):
    """Rasa's reminder (or the web app's catch-up) fired: send it once, if it is still wanted."""

    shows_privacy_note = False
    shows_feelings = False

    def name(self) -> str:
        return "action_send_reminder"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.reminder_due(entity(tracker, Entity.REMINDER))
