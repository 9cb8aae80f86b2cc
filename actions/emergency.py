"""Emergencies: the guidance is a response Rasa serves itself (data/rules.yml), so it never waits for the
action server; this action then opens an urgent ticket and says the team was told."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction, open_handoff
from bot.safety.net import EMERGENCY
from bot.safety.responses import KIND_SLOT
from bot.safety.verdict import alarm_kind


class ActionEmergency(PlainhealthAction):
    shows_privacy_note = False
    shows_feelings = False

    def name(self) -> str:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = alarm_kind(tracker.latest_message or {}, tracker.get_slot(KIND_SLOT)) or EMERGENCY
        return open_handoff(self, dispatcher, tracker, self.conversation(tracker), kind)
