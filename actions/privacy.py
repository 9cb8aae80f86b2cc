"""Privacy in the chat: hello (with the privacy note on first contact), "who can see my chat?", OK to the
note, and "delete my data" (asks once; the answer is routed by `Conversation.answer`)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import ConversationAction
from bot.answers.asking import FORGET_REQUEST
from bot.conversation.core import Conversation
from bot.conversation.replies import Say


class ActionGreet(ConversationAction):
    def name(self) -> str:
        return "action_greet"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return [Say("utter_greet", {"clinic_name": conversation.clinic.name}), Say("utter_menu")]


class ActionPrivacy(ConversationAction):
    """ "Who can see what I write here?": the whole note, with OK and "Delete my data"."""

    shows_privacy_note = False

    def name(self) -> str:
        return "action_privacy"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.privacy_more()


class ActionPrivacyOk(ConversationAction):
    """OK to the note: stored with the note's version, the time and the channel."""

    shows_privacy_note = False

    def name(self) -> str:
        return "action_privacy_ok"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.agree_to_note(self.runtime.privacy_note_version, tracker.get_latest_input_channel() or "")


class ActionForgetConfirm(ConversationAction):
    """ "Delete my data": says what will go and asks once."""

    shows_privacy_note = False
    request_words = FORGET_REQUEST

    def name(self) -> str:
        return "action_forget_confirm"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.confirm_forget()
