"""Learning: feedback on the content reaches the educators."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot.storage.feedback import save_feedback


class ActionSaveFeedback(PlainhealthAction):
    def name(self) -> str:
        return "action_save_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        runtime = self.runtime
        save_feedback(
            runtime.db,
            patient=runtime.patient_id(tracker.sender_id),
            text=tracker.latest_message.get("text") or "",
            module_id=tracker.get_slot("topic"),
        )
        dispatcher.utter_message(response="utter_feedback_thanks")
        return []
