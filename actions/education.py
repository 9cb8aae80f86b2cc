"""Learning: topics, words, and feedback on the content."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import PlainhealthAction
from bot import replies
from bot.storage.feedback import save_feedback


class ActionLearnTopic(PlainhealthAction):
    def name(self) -> str:
        return "action_learn_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        topic = self.entity_or_slot(tracker, "topic")
        text = tracker.latest_message.get("text") or ""
        for reply in replies.learn_topic(self.runtime.library, topic, text):
            self.send(dispatcher, reply)
        return [SlotSet("topic", topic)] if topic else []


class ActionDefineTerm(PlainhealthAction):
    def name(self) -> str:
        return "action_define_term"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        term = self.entity_or_slot(tracker, "term")
        text = tracker.latest_message.get("text") or ""
        self.send(dispatcher, replies.define_term(self.runtime.library, term, text))
        return [SlotSet("term", term)] if term else []


class ActionSaveFeedback(PlainhealthAction):
    def name(self) -> str:
        return "action_save_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = tracker.latest_message.get("text") or ""
        runtime = self.runtime
        save_feedback(
            runtime.db,
            patient=runtime.patient_id(tracker.sender_id),
            text=text,
            module_id=tracker.get_slot("topic"),
        )
        dispatcher.utter_message(response="utter_feedback_thanks")
        return []
