"""The shared base of every plainhealth action (abstract, so rasa_sdk does not register it)."""

from __future__ import annotations

import abc
from collections.abc import Iterable

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.learning.tutor import Say
from bot.runtime import Runtime, get_runtime


class PlainhealthAction(Action, abc.ABC):
    @abc.abstractmethod
    def name(self) -> str: ...

    @property
    def runtime(self) -> Runtime:
        return get_runtime()


def send(dispatcher: CollectingDispatcher, replies: Iterable[Say]) -> None:
    for say in replies:
        if say.response:
            dispatcher.utter_message(response=say.response, buttons=list(say.buttons), **say.values)
        else:
            dispatcher.utter_message(text=say.text, buttons=list(say.buttons))


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value not in (None, "") else None


def last_bot_response(tracker: Tracker) -> str | None:
    """The domain response the assistant sent just before this message, e.g. to know what "yes" answers."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                break
            seen_user = True
        elif kind == "bot" and seen_user:
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter:
                return str(utter)
    return None
