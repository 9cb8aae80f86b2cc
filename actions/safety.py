"""Emergencies, reaching a person, and not understanding."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot import replies
from bot.fallback import consecutive_fallbacks


class ActionEmergency(PlainhealthAction):
    def name(self) -> str:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        try:
            reply = replies.emergency(self.runtime.library)
        except Exception:  # the guidance must go out even if the content cannot be read
            dispatcher.utter_message(response="utter_emergency_fallback")
            return []
        self.send(dispatcher, reply)
        return []


class ActionContactClinic(PlainhealthAction):
    def name(self) -> str:
        return "action_contact_clinic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        self.send(dispatcher, replies.contact_clinic(self.runtime.library))
        return []


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
