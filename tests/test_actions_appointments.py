"""The visit and question actions, called as Rasa calls them: run() with a Tracker built from events."""

import asyncio
import datetime as dt

from rasa_sdk.events import SlotSet
from trackers import asked_before, make_tracker

from actions.appointments import (
    ActionAskVisitType,
    ActionCancelReminder,
    ActionSaveAppointment,
    ActionSendReminder,
    ActionSetReminder,
    ValidateAppointmentForm,
)
from actions.learning import ActionAffirm, ActionChoose, ActionDeny, ActionLessonStop
from actions.questions import ActionAddQuestion, ActionPrintQuestions, ActionSaveTypedQuestion
from bot.appointments.visits import local_today
from bot.privacy import unseal
from bot.storage import visits as store

SENDER = "telegram-555"


def responses(dispatcher) -> list[str]:
    return [m.get("response") or "text" for m in dispatcher.messages]


def validate(dispatcher, text, intent, requested, entities=None, slots=None) -> dict:
    """Run the form's validation as Rasa does: ``slots`` were just set from this message (SlotSet events)."""
    dispatcher.messages.clear()
    all_slots = {"requested_slot": requested, "appointment_type": None, "appointment_date": None, **(slots or {})}
    tracker = make_tracker(text, intent, entities=entities, slots=all_slots, sender_id=SENDER)
    tracker.events.extend({"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items())
    tracker.active_loop = {"name": "appointment_form"}
    domain = {
        "forms": {"appointment_form": {"required_slots": ["appointment_type", "appointment_date"]}},
        "slots": {
            "appointment_type": {"mappings": [{"type": "custom"}]},
            "appointment_date": {"mappings": [{"type": "custom"}]},
        },
    }
    events = asyncio.run(ValidateAppointmentForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_the_form_reads_the_visit_type_from_free_words(runtime, dispatcher) -> None:
    assert (
        validate(dispatcher, "its a blood draw", "out_of_scope", "appointment_type")["appointment_type"] == "blood_test"
    )
    misspelt = validate(
        dispatcher,
        "my blod test",
        "prepare_appointment",
        None,
        [{"entity": "appointment_type", "value": "blod test"}],
        {"appointment_type": "blod test"},
    )
    assert misspelt["appointment_type"] == "blood_test"
    assert validate(dispatcher, "the purple one", "out_of_scope", "appointment_type")["appointment_type"] is None
    assert responses(dispatcher) == ["utter_appointment_type_unclear"]


def test_the_form_reads_good_dates_and_reasks_bad_ones_kindly(runtime, dispatcher) -> None:
    slots = {"appointment_type": "blood_test"}
    good = validate(dispatcher, "next tuesday", "out_of_scope", "appointment_date", slots=slots)
    assert dt.date.fromisoformat(good["appointment_date"]).weekday() == 1
    assert (
        validate(dispatcher, "yesterday", "out_of_scope", "appointment_date", slots=slots)["appointment_date"] is None
    )
    assert responses(dispatcher) == ["utter_date_past"]
    validate(dispatcher, "purple", "out_of_scope", "appointment_date", slots=slots)
    assert responses(dispatcher) == ["utter_date_unclear"]
    validate(dispatcher, "next week", "out_of_scope", "appointment_date", slots=slots)
    assert responses(dispatcher) == ["utter_date_vague"]
    skip = validate(
        dispatcher, "/choose", "choose", "appointment_date", [{"entity": "choice", "value": "skip"}], slots=slots
    )
    assert skip["appointment_date"] == "none"


def test_a_day_named_with_the_visit_is_kept_and_an_emergency_is_not_an_answer(runtime, dispatcher) -> None:
    got = validate(
        dispatcher,
        "blood test tomorrow",
        "prepare_appointment",
        None,
        [{"entity": "appointment_type", "value": "blood_test"}],
        {"appointment_type": "blood_test"},
    )
    tomorrow = local_today(runtime.library.clinic.timezone) + dt.timedelta(days=1)
    assert got["appointment_date"] == tomorrow.isoformat()
    assert "appointment_date" not in validate(
        dispatcher, "chest pain", "emergency", "appointment_date", slots={"appointment_type": "blood_test"}
    )


def test_the_type_question_has_a_button_per_checklist(runtime, dispatcher, library) -> None:
    ActionAskVisitType().run(dispatcher, make_tracker("", sender_id=SENDER), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert len(titles) == len(library.checklists) and "Blood test" in titles


def save(dispatcher, kind: str, day: str) -> list:
    dispatcher.messages.clear()
    tracker = make_tracker("", sender_id=SENDER, slots={"appointment_type": kind, "appointment_date": day})
    return ActionSaveAppointment().run(dispatcher, tracker, {})


def test_saving_offers_a_reminder_then_yes_schedules_it_with_rasa(runtime, dispatcher) -> None:
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    assert save(dispatcher, "blood_test", day) == [SlotSet("appointment_type", None), SlotSet("appointment_date", None)]
    assert responses(dispatcher) == ["utter_appointment_saved", "utter_offer_reminder"]
    dispatcher.messages.clear()
    tracker = make_tracker(
        "yes", "affirm", sender_id=SENDER, events=asked_before(runtime, "utter_offer_reminder", SENDER)
    )
    events = ActionAffirm().run(dispatcher, tracker, {})
    assert responses(dispatcher)[:3] == ["utter_reminder_set", "utter_checklist_start", "text"]
    assert len(events) == 1 and events[0]["event"] == "reminder"
    assert events[0]["intent"] == "EXTERNAL_appointment_reminder"
    waiting = store.waiting_reminders(runtime.db, runtime.patient_id(SENDER))
    assert len(waiting) == 1 and unseal(waiting[0].conversation, runtime.secret) == SENDER
    assert SENDER not in waiting[0].conversation
    assert events[0]["entities"] == {"reminder": str(waiting[0].id)}


def test_no_date_means_no_reminder_offer_and_straight_to_the_checklist(runtime, dispatcher) -> None:
    save(dispatcher, "surgery", "none")
    assert responses(dispatcher)[:2] == ["utter_appointment_saved", "utter_checklist_start"]


def test_checklist_buttons_and_plain_yes_no_stop(runtime, dispatcher) -> None:
    save(dispatcher, "blood_test", "none")
    patient = runtime.patient_id(SENDER)

    def answer(action, text, intent, entities=None) -> list[str]:
        dispatcher.messages.clear()
        tracker = make_tracker(
            text, intent, entities, sender_id=SENDER, events=asked_before(runtime, "utter_checklist_bring", SENDER)
        )
        action.run(dispatcher, tracker, {})
        return responses(dispatcher)

    assert answer(ActionChoose(), "/choose", "choose", [{"entity": "choice", "value": "done"}])[0] == "utter_ticked"
    assert answer(ActionAffirm(), "yes", "affirm")[0] == "utter_ticked"
    assert answer(ActionDeny(), "not yet", "deny")[0] == "utter_not_yet"
    assert answer(ActionLessonStop(), "stop", "lesson_stop") == ["utter_checklist_stopped"]
    visit = store.current_visit(runtime.db, patient)
    assert visit.ticked == frozenset({0, 1}) and visit.step == 3


def test_cancel_and_send_reminders(runtime, dispatcher) -> None:
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    save(dispatcher, "blood_test", day)
    events = ActionSetReminder().run(dispatcher, make_tracker("remind me", "set_reminder", sender_id=SENDER), {})
    assert isinstance(events[0], dict) and events[0]["event"] == "reminder"
    reminder_id = store.waiting_reminders(runtime.db, runtime.patient_id(SENDER))[0].id

    def fire(sender: str = SENDER) -> list[str]:
        dispatcher.messages.clear()
        tracker = make_tracker(
            "", "EXTERNAL_appointment_reminder", [{"entity": "reminder", "value": str(reminder_id)}], sender_id=sender
        )
        ActionSendReminder().run(dispatcher, tracker, {})
        return responses(dispatcher)

    assert fire("someone-else") == []  # another patient's conversation never gets it
    assert fire() == ["utter_reminder", "utter_reminder_items"]
    assert fire() == []  # never twice
    dispatcher.messages.clear()
    events = ActionCancelReminder().run(dispatcher, make_tracker("cancel", "cancel_reminder", sender_id=SENDER), {})
    assert responses(dispatcher) == ["utter_no_reminder"] and events == []


def test_cancelling_a_waiting_reminder_tells_rasa(runtime, dispatcher) -> None:
    save(dispatcher, "blood_test", (dt.date.today() + dt.timedelta(days=10)).isoformat())
    ActionSetReminder().run(dispatcher, make_tracker("remind me", "set_reminder", sender_id=SENDER), {})
    dispatcher.messages.clear()
    events = ActionCancelReminder().run(dispatcher, make_tracker("cancel", "cancel_reminder", sender_id=SENDER), {})
    assert responses(dispatcher) == ["utter_reminder_cancelled"]
    assert events[0]["event"] == "cancel_reminder" and events[0]["name"].startswith("appointment_")
    assert store.waiting_reminders(runtime.db) == []


def test_add_question_without_words_opens_the_question_form(runtime, dispatcher) -> None:
    events = ActionAddQuestion().run(dispatcher, make_tracker("add a question", "add_question", sender_id=SENDER), {})
    assert events == [{"event": "followup", "timestamp": None, "name": "question_form"}] and not dispatcher.messages
    tracker = make_tracker("will it hurt", "out_of_scope", sender_id=SENDER, slots={"new_question": "will it hurt"})
    assert ActionSaveTypedQuestion().run(dispatcher, tracker, {}) == [SlotSet("new_question", None)]
    assert responses(dispatcher) == ["utter_question_added"]
    assert store.questions(runtime.db, runtime.patient_id(SENDER)) == ["Will it hurt?"]


def test_print_questions_links_to_the_web_app(runtime, dispatcher) -> None:
    ActionAddQuestion().run(
        dispatcher, make_tracker("add a question: can i drive?", "add_question", sender_id=SENDER), {}
    )
    dispatcher.messages.clear()
    ActionPrintQuestions().run(dispatcher, make_tracker("print my list", "print_questions", sender_id=SENDER), {})
    assert responses(dispatcher) == ["utter_questions_to_share", "utter_print_link"]
    assert dispatcher.messages[1]["url"].startswith(f"{runtime.settings.web_url}/print/")


def test_typed_yes_i_have_it_now_ticks_the_checklist_item(runtime, dispatcher) -> None:
    """A typed answer on a checklist item: "yes I have it now" was read as "no" (the letters of "now")."""
    save(dispatcher, "blood_test", "none")
    dispatcher.messages.clear()
    tracker = make_tracker(
        "yes I have it now", "choose", sender_id=SENDER, events=asked_before(runtime, "utter_checklist_bring", SENDER)
    )
    ActionChoose().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_ticked"
    assert store.current_visit(runtime.db, runtime.patient_id(SENDER)).ticked == frozenset({0})
