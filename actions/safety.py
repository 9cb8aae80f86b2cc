"""No medical advice: a kind refusal that says why, and two ways forward (my questions, a person)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction


class ActionNoMedicalAdvice(PlainhealthAction):
    """Doses, stopping a medicine, "do I have X": only the care team can answer safely.

    The patient's own question is not lost: "Yes, add it" puts it on their list for the visit (see
    `context_replies`), and "Talk to a person" opens a hand-off marked as a medical question.
    """

    def name(self) -> str:
        return "action_no_medical_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_no_medical_advice")
        dispatcher.utter_message(response="utter_offer_add_medical_question")
        return []
