"""Getting ready for a visit: the appointment form, the checklist walk, question prompts, reminders.

Each action reads the tracker, asks `bot.appointments.planner.Planner` what to say, and sends it.
"""

from __future__ import annotations

import abc
import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, ReminderCancelled, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import PlainhealthAction, entity, last_bot_response, send
from bot.appointments.dates import DateAnswer, parse_date
from bot.appointments.delivery import REMINDER_INTENT
from bot.appointments.planner import Planner
from bot.appointments.visits import local_today, reminder_time
from bot.handoff.desk import medical_question
from bot.learning.tutor import Say
from bot.privacy import seal
from bot.runtime import Runtime, get_runtime
from bot.storage import visits as store

CHECKLIST_ITEM_RESPONSES = frozenset({"utter_checklist_bring", "utter_checklist_step", "utter_checklist_company"})
# Intents that leave the form instead of answering its question.
FORM_ESCAPES = frozenset({"emergency", "request_human", "medical_advice", "lesson_stop", "goodbye",
                          "learn_topic", "define_term", "show_questions", "question_prompts"})
NO_DATE = "none"


def planner_for(runtime: Runtime, tracker: Tracker) -> Planner:
    clinic = runtime.library.clinic
    today = local_today(clinic.timezone if clinic else "UTC")
    return Planner(runtime.library, runtime.db, runtime.patient_id(tracker.sender_id), today)


def reminder_name(visit_id: int) -> str:
    return f"appointment_{visit_id}"


class PlannerAction(PlainhealthAction, abc.ABC):
    """Shared by the appointment and question actions (abstract: rasa_sdk registers only concrete ones)."""

    @abc.abstractmethod
    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]: ...

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send(dispatcher, self.replies(planner_for(self.runtime, tracker), tracker))
        return []


def offer_or_walk(runtime: Runtime, planner: Planner, visit: store.Visit) -> list[Say]:
    """After a visit is saved: offer a reminder when there is time for one, else go to the checklist."""
    if visit.day is not None:
        clinic = runtime.library.clinic
        settings = runtime.settings
        when = reminder_time(visit.day, clinic.timezone if clinic else "UTC", settings.reminder_hour,
                             dt.datetime.now(dt.UTC), settings.reminder_delay_seconds)
        if when is not None:
            return [Say("utter_offer_reminder")]
    return planner.start_checklist(visit)


def set_reminder(runtime: Runtime, planner: Planner, tracker: Tracker) -> tuple[list[Say], list[EventType]]:
    """Schedule the day-before reminder with Rasa, and keep it in the database in case Rasa restarts."""
    visit = store.current_visit(runtime.db, planner.patient, planner.today)
    if visit is None:
        return planner.no_visit(), []
    if visit.day is None:
        return [Say("utter_reminder_needs_day")], []
    clinic = runtime.library.clinic
    settings = runtime.settings
    now = dt.datetime.now(dt.UTC)
    when = reminder_time(visit.day, clinic.timezone if clinic else "UTC", settings.reminder_hour, now,
                         settings.reminder_delay_seconds)
    if when is None:
        return [Say("utter_reminder_too_late", {"visit": planner.visit_words(visit)})], []
    sealed = seal(tracker.sender_id, runtime.secret)
    row = store.schedule_reminder(runtime.db, planner.patient, visit.id, sealed, when)
    event = ReminderScheduled(REMINDER_INTENT, trigger_date_time=when, entities={"reminder": str(row.id)},
                              name=reminder_name(visit.id), kill_on_user_message=False)
    return [Say("utter_reminder_set", {"visit": planner.visit_words(visit)})], [event]


def cancel_reminders(runtime: Runtime, planner: Planner) -> tuple[list[Say], list[EventType]]:
    waiting = store.waiting_reminders(runtime.db, planner.patient)
    events: list[EventType] = []
    for reminder in waiting:
        store.finish_reminder(runtime.db, reminder.id, "cancelled")
        events.append(ReminderCancelled(name=reminder_name(reminder.appointment_id)))
    return [Say("utter_reminder_cancelled" if waiting else "utter_no_reminder")], events


class ValidateAppointmentForm(FormValidationAction):
    """Reads the kind of visit and its day from the patient's words; re-asks kindly when unclear."""

    def name(self) -> str:
        return "validate_appointment_form"

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    def _escaping(self, tracker: Tracker) -> bool:
        return (tracker.latest_message.get("intent") or {}).get("name") in FORM_ESCAPES

    async def extract_appointment_type(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "appointment_type" or self._escaping(tracker):
            return {}
        if entity(tracker, "appointment_type"):
            return {}  # the slot's own entity mapping fills it
        text = tracker.latest_message.get("text") or ""
        checklist = planner_for(self.runtime, tracker).checklist_for_words(text, None)
        return {"appointment_type": checklist.appointment_type if checklist else "?"}

    def validate_appointment_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        planner = planner_for(self.runtime, tracker)
        # The entity's value may be a canonical type, or the patient's own (misspelt) words: "blod test".
        checklist = planner.checklist_for_words(str(value), str(value)) if isinstance(value, str) else None
        if checklist is not None:
            return {"appointment_type": checklist.appointment_type}
        dispatcher.utter_message(response="utter_appointment_type_unclear")
        return {"appointment_type": None}

    async def extract_appointment_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if self._escaping(tracker) or tracker.get_slot("appointment_date"):
            return {}
        choice = entity(tracker, "choice")
        text = choice or tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            return {}
        asked = tracker.get_slot("requested_slot") == "appointment_date"
        answer = self._parse(tracker, text)
        if asked:
            return {"appointment_date": answer.date.isoformat() if answer.date else f"?{answer.status}"}
        # Not asked yet: keep a day named along the way ("blood test tomorrow"), ignore anything else.
        return {"appointment_date": answer.date.isoformat()} if answer.status == "ok" and answer.date else {}

    def _parse(self, tracker: Tracker, text: str) -> DateAnswer:
        runtime = self.runtime
        clinic = runtime.library.clinic
        today = local_today(clinic.timezone if clinic else "UTC")
        return parse_date(text, today, day_first=runtime.settings.date_order == "dmy")

    def validate_appointment_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        text = str(value or "")
        if text == "?skip":
            return {"appointment_date": NO_DATE}
        if text and not text.startswith("?"):
            try:
                dt.date.fromisoformat(text)
                return {"appointment_date": text}
            except ValueError:
                pass
        status = text.removeprefix("?") or "none"
        response = {"past": "utter_date_past", "too_far": "utter_date_too_far",
                    "vague": "utter_date_vague"}.get(status, "utter_date_unclear")
        dispatcher.utter_message(response=response)
        return {"appointment_date": None}


class ActionAskVisitType(PlainhealthAction):
    """The form's question about the kind of visit, with a button for each checklist in the content."""

    def name(self) -> str:
        return "action_ask_appointment_form_appointment_type"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        planner = planner_for(self.runtime, tracker)
        dispatcher.utter_message(response="utter_ask_visit_type", buttons=list(planner.type_buttons()))
        return []


class ActionSaveAppointment(PlainhealthAction):
    """The form is done: save the visit, then offer a reminder or walk the checklist."""

    def name(self) -> str:
        return "action_save_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        runtime = self.runtime
        planner = planner_for(runtime, tracker)
        kind = str(tracker.get_slot("appointment_type") or "")
        raw_day = str(tracker.get_slot("appointment_date") or NO_DATE)
        day = None if raw_day == NO_DATE else dt.date.fromisoformat(raw_day)
        visit, saved = planner.save(kind, day)
        send(dispatcher, [*saved, *offer_or_walk(runtime, planner, visit)])
        return [SlotSet("appointment_type", None), SlotSet("appointment_date", None)]


class ActionShowChecklist(PlannerAction):
    def name(self) -> str:
        return "action_show_checklist"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        return planner.show_checklist()


class ActionQuestionPrompts(PlannerAction):
    def name(self) -> str:
        return "action_question_prompts"

    def replies(self, planner: Planner, tracker: Tracker) -> list[Say]:
        return planner.prompts(entity(tracker, "prompt_set"))


class ActionSetReminder(PlainhealthAction):
    def name(self) -> str:
        return "action_set_reminder"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        replies, events = set_reminder(self.runtime, planner_for(self.runtime, tracker), tracker)
        send(dispatcher, replies)
        return events


class ActionCancelReminder(PlainhealthAction):
    def name(self) -> str:
        return "action_cancel_reminder"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        replies, events = cancel_reminders(self.runtime, planner_for(self.runtime, tracker))
        send(dispatcher, replies)
        return events


class ActionSendReminder(PlainhealthAction):
    """Rasa's reminder (or the web app's catch-up) fired: send it once, if it is still wanted."""

    def name(self) -> str:
        return "action_send_reminder"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send(dispatcher, reminder_replies(self.runtime, tracker))
        return []


def reminder_replies(runtime: Runtime, tracker: Tracker) -> list[Say]:
    """The reminder named in the external event, once, if it is still wanted (also during a hand-off)."""
    planner = planner_for(runtime, tracker)
    raw = entity(tracker, "reminder") or ""
    reminder = store.get_reminder(runtime.db, int(raw)) if raw.isdigit() else None
    if reminder is None or reminder.patient != planner.patient:
        return []
    if not store.finish_reminder(runtime.db, reminder.id, "sent"):
        return []  # cancelled, or already sent
    visit = store.get_visit(runtime.db, reminder.appointment_id)
    return planner.reminder_text(visit) if visit is not None else []


def _after_reminder(planner: Planner) -> list[Say]:
    visit = store.current_visit(planner.db, planner.patient, planner.today)
    return planner.start_checklist(visit) if visit else []


def context_replies(runtime: Runtime, tracker: Tracker, answer: str) -> tuple[list[Say], list[EventType]] | None:
    """A button press or a bare "yes"/"no"/"stop" that answers something this module asked; None otherwise.

    ``answer`` is a button's choice ("done", "later", "remind", "no_reminder", "keep_list") or "yes", "no",
    "stop" read against the response the assistant sent last.
    """
    previous = last_bot_response(tracker)
    planner = planner_for(runtime, tracker)
    on_item = previous in CHECKLIST_ITEM_RESPONSES
    if answer == "done" or (answer == "yes" and on_item):
        return planner.tick(True), []
    if answer == "later" or (answer == "no" and on_item):
        return planner.tick(False), []
    if answer == "stop" and on_item:
        return planner.stop_checklist(), []
    offered = previous == "utter_offer_reminder"
    if answer == "remind" or (answer == "yes" and offered):
        replies, events = set_reminder(runtime, planner, tracker)
        return replies + _after_reminder(planner), events
    if answer == "no_reminder" or (answer == "no" and offered):
        return [Say("utter_reminder_declined"), *_after_reminder(planner)], []
    if answer == "yes" and previous == "utter_offer_add_medical_question":
        asked = medical_question(tracker.events)
        return (planner.add(asked) if asked else [Say("utter_ask_question_form_new_question")]), []
    if answer == "yes" and previous == "utter_confirm_clear":
        return planner.clear(confirmed=True), []
    if answer == "keep_list" or (answer == "no" and previous == "utter_confirm_clear"):
        return [Say("utter_questions_kept")], []
    return None
