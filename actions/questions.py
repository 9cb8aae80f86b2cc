"""My questions: add (a prompt or the patient's own words), show, remove, move, clear, print or share.

Each action reads the tracker, asks `bot.appointments.planner.Planner`, and sends the replies.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointments import PlannerAction, planner_for
from actions.base import PlainhealthAction, entity, send
from bot.appointments.planner import Planner
from bot.learning.tutor import Say


def said(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


class ActionAddQuestion(PlainhealthAction):
    """Add a prompt (button) or the question in the message; with no question in it, ask for it."""

    def name(self) -> str:
        return "action_add_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        planner = planner_for(self.runtime, tracker)
        replies = planner.add(said(tracker), entity(tracker, "prompt"))
        if replies and replies[0].response == "utter_ask_question_form_new_question":
            return [FollowupAction("question_form")]  # the form asks, and takes the next message as it is
        send(dispatcher, replies)
        return []


class ActionSaveTypedQuestion(PlainhealthAction):
    """`question_form` is done: the message after "What is your question?" is the question itself."""

    def name(self) -> str:
        return "action_save_typed_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        planner = planner_for(self.runtime, tracker)
        text = str(tracker.get_slot("new_question") or "").strip()
        replies = planner.add(f"add a question: {text}") if text else []
        if not replies or replies[0].response == "utter_ask_question_form_new_question":
            replies = [Say("utter_question_not_caught")]
        send(dispatcher, replies)
        return [SlotSet("new_question", None)]


class ActionShowQuestions(PlannerAction):
    def name(self) -> str:
        return "action_show_questions"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        return planner.show()


class ActionRemoveQuestion(PlannerAction):
    def name(self) -> str:
        return "action_remove_question"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        return planner.remove(said(tracker), entity(tracker, "choice"))


class ActionMoveQuestion(PlannerAction):
    def name(self) -> str:
        return "action_move_question"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        return planner.move(said(tracker), entity(tracker, "choice"))


class ActionClearQuestions(PlannerAction):
    """Asks first ("Clear all 4 questions?"); the button or a "yes" clears."""

    def name(self) -> str:
        return "action_clear_questions"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        return planner.clear(confirmed=entity(tracker, "choice") == "clear_list")


class ActionPrintQuestions(PlannerAction):
    """The list as one message (to forward or pin) and a private link to a printable page."""

    def name(self) -> str:
        return "action_print_questions"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        settings = self.runtime.settings
        return planner.print_link(settings.web_url, settings.print_link_hours)
