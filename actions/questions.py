"""My questions: add (a prompt or the patient's own words), show, remove, move, clear, print or share.

Each action reads the tracker, asks the patient's `Conversation` (its `planner`), and sends the replies.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ConversationAction, PlainhealthAction, entity, said
from bot.answers.asking import ADD_QUESTION_REQUEST, MOVE_REQUEST
from bot.contracts import Answer, Entity, Loop, Slot
from bot.conversation.core import Conversation
from bot.conversation.replies import Say

ASK_FOR_QUESTION = "utter_ask_question_form_new_question"


class ActionAddQuestion(PlainhealthAction):
    """Add a prompt (button) or the question in the message; with no question in it, ask for it."""

    request_words = ADD_QUESTION_REQUEST

    def name(self) -> str:
        return "action_add_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        answered = self.health_question_instead(tracker, conversation)
        if answered is not None:
            return self.reply(dispatcher, tracker, conversation, answered)
        replies = conversation.planner.add(said(tracker), entity(tracker, Entity.PROMPT))
        if replies and replies[0].response == ASK_FOR_QUESTION:
            return [FollowupAction(Loop.QUESTION)]  # the form asks, and takes the next message as it is
        return self.reply(dispatcher, tracker, conversation, replies)


class ActionSaveTypedQuestion(PlainhealthAction):
    """`question_form` is done: the message after "What is your question?" is the question itself."""

    def name(self) -> str:
        return "action_save_typed_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        conversation = self.conversation(tracker)
        text = str(tracker.get_slot(Slot.NEW_QUESTION) or "").strip()
        replies = conversation.planner.add(f"add a question: {text}") if text else []
        if not replies or replies[0].response == ASK_FOR_QUESTION:
            replies = [Say("utter_question_not_caught")]
        return [*self.reply(dispatcher, tracker, conversation, replies), SlotSet(Slot.NEW_QUESTION, None)]


class ActionShowQuestions(ConversationAction):
    def name(self) -> str:
        return "action_show_questions"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.planner.show()


class ActionRemoveQuestion(ConversationAction):
    def name(self) -> str:
        return "action_remove_question"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.planner.remove(said(tracker), entity(tracker, Entity.CHOICE))


class ActionMoveQuestion(ConversationAction):
    request_words = MOVE_REQUEST

    def name(self) -> str:
        return "action_move_question"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.planner.move(said(tracker), entity(tracker, Entity.CHOICE))


class ActionClearQuestions(ConversationAction):
    """Asks first ("Clear all 4 questions?"); the button or a "yes" clears."""

    def name(self) -> str:
        return "action_clear_questions"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.planner.clear(confirmed=entity(tracker, Entity.CHOICE) == Answer.CLEAR_LIST)


class ActionPrintQuestions(ConversationAction):
    """The list as one message (to forward or pin) and a private link to a printable page."""

    def name(self) -> str:
        return "action_print_questions"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        settings = conversation.settings
        return conversation.planner.print_link(settings.web_url, settings.print_link_hours)
