"""The shared base of every plainhealth action (abstract, so rasa_sdk does not register it)."""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.replies import Reply
from bot.runtime import Runtime, get_runtime


class PlainhealthAction(Action, abc.ABC):
    @abc.abstractmethod
    def name(self) -> str: ...

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    @staticmethod
    def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
        """Send one reply (text plus optional buttons) the same way on every channel."""
        dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons) or None)

    @staticmethod
    def entity_or_slot(tracker: Tracker, name: str) -> str | None:
        """The entity from this message if the patient named one, else nothing (old slots go stale)."""
        value: Any = next(tracker.get_latest_entity_values(name), None)
        return str(value).strip() if value else None
