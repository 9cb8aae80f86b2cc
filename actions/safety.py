"""Not understanding the patient: ask again, then offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot.fallback import consecutive_fallbacks


class ActionFallback(PlainhealthAction):
    """First miss: ask to rephrase. Second miss in a row: offer a person."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if consecutive_fallbacks(tracker.events) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
