"""No medical advice: a kind refusal that says why, and two ways forward (my questions, a person)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import ConversationAction, said
from bot.conversation.core import Conversation
from bot.conversation.replies import Say


class ActionNoMedicalAdvice(ConversationAction):
    """A patient's own health question (`Conversation.answer_question`): a general one is answered from the
    lessons; a personal one (doses, stopping a medicine, "do I have X", "is my 150/95 high") gets the kind
    refusal with what the lessons say in general; either way the question can go on their list.

    The question is not lost: "Yes, add it" puts it on the list for the visit (`Awaiting.ADD_MEDICAL_QUESTION`),
    and "Talk to a person" opens a hand-off marked as a medical question.
    """

    def name(self) -> str:
        return "action_no_medical_advice"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.answer_question(said(tracker), self.runtime.answerer)
