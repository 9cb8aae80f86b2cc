"""Learning: feedback on the content reaches the educators."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import ConversationAction
from bot.conversation.core import Conversation
from bot.conversation.replies import Say
from bot.storage.feedback import save_feedback


class ActionSaveFeedback(ConversationAction):
    def name(self) -> str:
        return "action_save_feedback"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        module_id, section = conversation.tutor.context()
        save_feedback(
            conversation.db,
            patient=conversation.patient,
            text=str(tracker.latest_message.get("text") or ""),
            module_id=module_id or tracker.get_slot("topic"),
            section=section,
        )
        return [Say("utter_feedback_thanks")]
