"""The hand-off and safety actions, called as rasa_sdk calls them (a real database, no servers)."""

from trackers import asked_before, make_tracker

from actions.advice import ActionNoMedicalAdvice
from actions.emergency import ActionEmergency
from actions.handoff import ActionHandoff, ValidateHandoffForm
from actions.learning import ActionAffirm
from bot.safety.verdict import alarm_kind
from bot.storage import handoff as store
from bot.storage import visits

OFFER = "utter_offer_add_medical_question"


def test_after_the_guidance_rasa_served_an_urgent_ticket_and_the_team_told(runtime, dispatcher) -> None:
    tracker = make_tracker("i want to end my life", "emergency")
    tracker.latest_message["safety"] = {"kind": "crisis", "sign": "self_harm"}
    ActionEmergency().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_emergency_team_told"]
    ticket = store.open_ticket_for(runtime.db, runtime.patient_id("test-patient"))
    assert ticket is not None and ticket.priority == "urgent" and ticket.reason == "crisis"


def test_the_kind_of_danger_comes_from_the_net_or_the_classifier() -> None:
    assert alarm_kind(make_tracker("my husband hits me", "greet").latest_message) == "violence"
    assert alarm_kind(make_tracker("please send help now", "emergency").latest_message) == "emergency"
    assert alarm_kind(make_tracker("hello", "greet").latest_message) is None
    # "Yes, someone is in danger" after "are you in danger?": the kind the net guessed for the message before.
    pressed = make_tracker("/emergency", "emergency", slots={"danger_kind": "violence"})
    assert alarm_kind(pressed.latest_message, pressed.get_slot("danger_kind")) == "violence"


def test_asking_for_a_person_after_a_medical_refusal_is_marked_as_a_medical_question(runtime, dispatcher) -> None:
    earlier = asked_before(runtime, OFFER, text="can i stop my pills", intent="medical_advice")
    tracker = make_tracker("/request_human", "request_human", events=earlier)
    ActionHandoff().run(dispatcher, tracker, {})
    ticket = store.open_ticket_for(runtime.db, runtime.patient_id("test-patient"))
    assert ticket is not None and ticket.reason == "medical_advice"


def test_medical_advice_is_refused_kindly_and_the_question_can_go_on_my_list(runtime, dispatcher) -> None:
    question = "should i stop taking my blood thinner"
    refused = make_tracker(question, "medical_advice")
    ActionNoMedicalAdvice().run(dispatcher, refused, {})
    said = [m["response"] for m in dispatcher.messages]
    # The refusal first and the offer last; between them, at most what a lesson says in general.
    assert said[0] == "utter_no_medical_advice" and said[-1] == OFFER
    assert set(said[1:-1]) <= {"utter_answer_general"}, said
    dispatcher.messages.clear()
    # The next message is "yes": the core remembered what the refusal asked, after that very message.
    tracker = make_tracker("/affirm", "affirm", events=[*refused.events, {"event": "bot", "text": "..."}])
    ActionAffirm().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_question_added"
    mine = visits.questions(runtime.db, runtime.patient_id("test-patient"))
    assert mine == ["Should I stop taking my blood thinner?"]


def test_the_loop_passes_messages_on_and_delivers_staff_replies(runtime, dispatcher) -> None:
    ActionHandoff().run(dispatcher, make_tracker("talk to a person", "request_human"), {})
    dispatcher.messages.clear()
    form = ValidateHandoffForm()
    tracker = make_tracker("my bill is wrong", "out_of_scope")
    result = form.validate_handoff_message("my bill is wrong", dispatcher, tracker, {})
    assert result == {"handoff_message": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_noted"]
    ticket = store.open_ticket_for(runtime.db, runtime.patient_id("test-patient"))
    store.add_line(runtime.db, ticket.id, "staff", "Let me look.", name="Sam", delivered=False)
    dispatcher.messages.clear()
    external = make_tracker(
        "EXTERNAL: EXTERNAL_staff_reply",
        "EXTERNAL_staff_reply",
        entities=[{"entity": "handoff", "value": str(ticket.id)}],
    )
    assert form.validate_handoff_message("x", dispatcher, external, {}) == {"handoff_message": None}
    assert [m["text"] for m in dispatcher.messages] == ["Sam (clinic team): Let me look."]
    assert [m.get("staff_name") for m in dispatcher.messages] == ["Sam"]  # the widget's only sign of a person
    store.close(runtime.db, ticket.id, None, "done")
    dispatcher.messages.clear()
    ended = make_tracker(
        "EXTERNAL: EXTERNAL_handoff_ended",
        "EXTERNAL_handoff_ended",
        entities=[{"entity": "handoff", "value": str(ticket.id)}],
    )
    result = form.validate_handoff_message("x", dispatcher, ended, {})
    assert result == {"handoff_message": None, "requested_slot": None}
    assert dispatcher.messages[-1]["response"] == "utter_handoff_back"


def test_a_new_session_keeps_an_open_hand_off(runtime, dispatcher) -> None:
    from actions.handoff import ActionSessionStart

    fresh = ActionSessionStart().run(dispatcher, make_tracker("hi", "greet"), {})
    assert [e["event"] for e in fresh] == ["session_started", "action"]
    ActionHandoff().run(dispatcher, make_tracker("talk to a person", "request_human"), {})
    kept = ActionSessionStart().run(dispatcher, make_tracker("hi", "greet"), {})
    assert [e["event"] for e in kept] == ["session_started", "active_loop", "slot", "action"]
