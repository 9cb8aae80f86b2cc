"""Getting ready for appointments: checklists and questions to ask."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot import replies


class ActionPrepareAppointment(PlainhealthAction):
    def name(self) -> str:
        return "action_prepare_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = self.entity_or_slot(tracker, "appointment_type")
        for reply in replies.prepare_appointment(self.runtime.library, kind):
            self.send(dispatcher, reply)
        return [SlotSet("appointment_type", kind)] if kind else []


class ActionQuestionPrompts(PlainhealthAction):
    def name(self) -> str:
        return "action_question_prompts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = tracker.get_slot("appointment_type")
        for reply in replies.question_prompts(self.runtime.library, kind):
            self.send(dispatcher, reply)
        return []
