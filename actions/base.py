"""The shared base of every plainhealth action (abstract, so rasa_sdk does not register it)."""

from __future__ import annotations

import abc

from rasa_sdk import Action

from bot.runtime import Runtime, get_runtime


class PlainhealthAction(Action, abc.ABC):
    @abc.abstractmethod
    def name(self) -> str: ...

    @property
    def runtime(self) -> Runtime:
        return get_runtime()
