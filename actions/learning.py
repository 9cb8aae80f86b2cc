"""Lessons in conversation: start, read part by part, simpler, stop, continue, teach-back, clarity, words.

Each action reads the tracker, asks `bot.learning.tutor.Tutor` what to say, and sends it.
"""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.appointments import context_replies
from actions.base import PlainhealthAction, entity, last_bot_response, send
from bot.learning.tutor import Say, Tutor


class LessonAction(PlainhealthAction, abc.ABC):
    """Shared by the lesson actions (abstract: rasa_sdk registers only the concrete ones)."""

    def tutor(self, tracker: Tracker) -> Tutor:
        runtime = self.runtime
        return Tutor(runtime.library, runtime.db, runtime.patient_id(tracker.sender_id))

    @abc.abstractmethod
    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]: ...

    def answer(self, tracker: Tracker) -> str | None:
        """A "yes", "no", "stop" or button choice that may answer the checklist, a reminder offer or "clear
        my list?" rather than a lesson; those are tried first."""
        return None

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        answer = self.answer(tracker)
        handled = context_replies(self.runtime, tracker, answer) if answer else None
        if handled is not None:
            replies, events = handled
            send(dispatcher, replies)
            return events
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

    def answer(self, tracker: Tracker) -> str | None:
        return "stop"

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

    def answer(self, tracker: Tracker) -> str | None:
        chosen = entity(tracker, "choice")
        if chosen:
            return chosen
        typed = (tracker.latest_message.get("text") or "").lower()
        if any(w in typed for w in ("not yet", "later", "skip", "no")):
            return "no"
        return "yes" if any(w in typed for w in ("done", "yes", "got it", "did it", "have it", "ok")) else None

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

    def answer(self, tracker: Tracker) -> str | None:
        return "yes"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        previous = last_bot_response(tracker)
        if previous == "utter_back_to_lesson":
            return tutor.resume()
        if previous in {"utter_lesson_part", "utter_lesson_simpler", "utter_lesson_start"}:
            return tutor.next()
        return [Say("utter_menu")]


class ActionDeny(LessonAction):
    """A bare "no": "not yet" to a checklist item, no reminder, keep my list; otherwise "anything else?"."""

    def name(self) -> str:
        return "action_deny"

    def answer(self, tracker: Tracker) -> str | None:
        return "no"

    def replies(self, tutor: Tutor, tracker: Tracker) -> list[Say]:
        return [Say("utter_anything_else")]
