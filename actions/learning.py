"""Lessons in conversation, and the short answers: start, read part by part, simpler, stop, continue,
teach-back, clarity, words; "yes", "no", "stop" and choice buttons (routed by `Conversation.answer`)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import ConversationAction, awaiting, entity, said
from bot.contracts import Answer, Entity
from bot.conversation.answers import answer_of_choice, read_answer
from bot.conversation.core import Conversation, Outcome
from bot.conversation.replies import Say


class ActionStartLesson(ConversationAction):
    def name(self) -> str:
        return "action_start_lesson"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        asked = conversation.answer_if_asked(said(tracker), self.runtime.answerer)
        if asked is not None:
            return asked
        return conversation.tutor.start(
            str(tracker.latest_message.get("text") or ""),
            entity(tracker, Entity.TOPIC),
            entity(tracker, Entity.MODULE),
            entity(tracker, Entity.SECTION),
        )


class ActionLessonNext(ConversationAction):
    def name(self) -> str:
        return "action_lesson_next"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.tutor.next()


class ActionLessonSimpler(ConversationAction):
    def name(self) -> str:
        return "action_lesson_simpler"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.tutor.simpler()


class ActionContinueLesson(ConversationAction):
    def name(self) -> str:
        return "action_continue_lesson"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        return conversation.tutor.resume()


class ActionDefineTerm(ConversationAction):
    def name(self) -> str:
        return "action_define_term"

    def respond(self, conversation: Conversation, tracker: Tracker) -> list[Say]:
        asked = conversation.answer_if_asked(said(tracker), self.runtime.answerer)
        if asked is not None:
            return asked
        return conversation.tutor.define(str(tracker.latest_message.get("text") or ""), entity(tracker, Entity.TERM))


class ActionAffirm(ConversationAction):
    """A bare "yes" or "ok"."""

    def name(self) -> str:
        return "action_affirm"

    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome:
        return conversation.answer(Answer.YES, awaiting(conversation, tracker), tracker.events)


class ActionDeny(ConversationAction):
    """A bare "no"."""

    def name(self) -> str:
        return "action_deny"

    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome:
        return conversation.answer(Answer.NO, awaiting(conversation, tracker), tracker.events)


class ActionLessonStop(ConversationAction):
    """ "Stop": the checklist walk when an item was just shown, else the lesson."""

    def name(self) -> str:
        return "action_lesson_stop"

    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome:
        return conversation.answer(Answer.STOP, awaiting(conversation, tracker), tracker.events)


class ActionChoose(ConversationAction):
    """A choice button, or words for one: "done", "not yet", "the second one"."""

    def name(self) -> str:
        return "action_choose"

    def respond(self, conversation: Conversation, tracker: Tracker) -> Outcome:
        chosen = entity(tracker, Entity.CHOICE)
        answer = answer_of_choice(chosen) if chosen else read_answer(said(tracker))
        return conversation.answer(
            answer,
            awaiting(conversation, tracker),
            tracker.events,
            choice=chosen or str(tracker.latest_message.get("text") or ""),
        )
