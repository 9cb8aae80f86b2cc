"""Not understanding the patient: ask again, then offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot.fallback import best_guess, consecutive_fallbacks


class ActionFallback(PlainhealthAction):
    """First miss: ask to rephrase. Second miss in a row: offer a person.

    If the unsure classifier's best guess was an emergency, the emergency guidance goes first anyway:
    asking someone in danger to rephrase costs time they may not have.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if best_guess(tracker.latest_message) == "emergency":
            dispatcher.utter_message(response="utter_emergency")
        if consecutive_fallbacks(tracker.events) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
