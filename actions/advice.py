"""No medical advice: a kind refusal that says why, and two ways forward (my questions, a person)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import ConversationAction
from bot.conversation.core import Conversation
from bot.conversation.replies import Say


class ActionNoMedicalAdvice(ConversationAction):
    """Doses, stopping a medicine, "do I have X": only the care team can answer safely.

    The patient's own question is not lost: "Yes, add it" puts it on their list for the visit (the core's
    `Awaiting.ADD_MEDICAL_QUESTION`), and "Talk to a person" opens a hand-off marked as a medical question.
    """

    def name(self) -> str:
        return "action_no_medical_advice"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return [Say("utter_no_medical_advice"), Say("utter_offer_add_medical_question")]
