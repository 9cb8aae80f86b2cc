"""Learning: feedback on the content reaches the educators."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot.learning.tutor import Tutor
from bot.storage.feedback import save_feedback


class ActionSaveFeedback(PlainhealthAction):
    def name(self) -> str:
        return "action_save_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        runtime = self.runtime
        patient = runtime.patient_id(tracker.sender_id)
        module_id, section = Tutor(runtime.library, runtime.db, patient).context()
        save_feedback(
            runtime.db,
            patient=patient,
            text=tracker.latest_message.get("text") or "",
            module_id=module_id or tracker.get_slot("topic"),
            section=section,
        )
        dispatcher.utter_message(response="utter_feedback_thanks")
        return []
