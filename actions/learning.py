"""Lessons in conversation: start, read part by part, simpler, stop, continue, teach-back, clarity, words.

Each action reads the tracker, asks `bot.learning.tutor.Tutor` what to say, and sends it.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot.learning.tutor import Say, Tutor


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


class LessonAction(PlainhealthAction, abc.ABC):
    """Shared by the lesson actions (abstract: rasa_sdk registers only the concrete ones)."""

    def tutor(self, tracker: Tracker) -> Tutor:
        runtime = self.runtime
        return Tutor(runtime.library, runtime.db, runtime.patient_id(tracker.sender_id))

    @abc.abstractmethod
    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]: ...

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send(dispatcher, self.replies(self.tutor(tracker), tracker))
        return []


class ActionStartLesson(LessonAction):
    def name(self) -> str:
        return "action_start_lesson"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.start(tracker.latest_message.get("text") or "", entity(tracker, "topic"),
                           entity(tracker, "module"))


class ActionLessonNext(LessonAction):
    def name(self) -> str:
        return "action_lesson_next"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.next()


class ActionLessonSimpler(LessonAction):
    def name(self) -> str:
        return "action_lesson_simpler"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.simpler()


class ActionLessonStop(LessonAction):
    def name(self) -> str:
        return "action_lesson_stop"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.stop()


class ActionContinueLesson(LessonAction):
    def name(self) -> str:
        return "action_continue_lesson"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.resume()


class ActionChoose(LessonAction):
    def name(self) -> str:
        return "action_choose"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.choose(entity(tracker, "choice") or tracker.latest_message.get("text") or "")


class ActionDefineTerm(LessonAction):
    def name(self) -> str:
        return "action_define_term"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return tutor.define(tracker.latest_message.get("text") or "", entity(tracker, "term"))


class ActionAffirm(LessonAction):
    """A bare "yes" or "ok": go on with the lesson when that is what was just offered, else show the menu."""

    def name(self) -> str:
        return "action_affirm"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        previous = last_bot_response(tracker)
        if previous == "utter_back_to_lesson":
            return tutor.resume()
        if previous in {"utter_lesson_part", "utter_lesson_simpler", "utter_lesson_start"}:
            return tutor.next()
        return [Say("utter_menu")]
