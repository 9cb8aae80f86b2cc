from trackers import make_tracker

from actions.handoff import ActionFallback
from bot.fallback import consecutive_fallbacks
from bot.storage import handoff as store


def user(intent: str) -> dict:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


def test_counts_only_the_latest_run_of_misunderstandings() -> None:
    bot = {"event": "bot", "text": "sorry"}
    assert consecutive_fallbacks([]) == 0
    assert consecutive_fallbacks([user("greet"), user("nlu_fallback")]) == 1
    assert consecutive_fallbacks([user("nlu_fallback"), bot, user("nlu_fallback")]) == 2
    assert consecutive_fallbacks([user("nlu_fallback"), user("greet"), user("nlu_fallback")]) == 1


def test_first_miss_asks_to_rephrase_second_hands_over_to_a_person(runtime, dispatcher) -> None:
    assert ActionFallback().run(dispatcher, make_tracker("asdf", "nlu_fallback"), {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_rephrase"]
    assert store.open_ticket_for(runtime.db, runtime.patient_id("test-patient")) is None

    dispatcher.messages.clear()
    earlier = [{"event": "user", "text": "qwer", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    events = ActionFallback().run(dispatcher, make_tracker("asdf", "nlu_fallback", events=earlier), {})
    assert dispatcher.messages[0]["response"] == "utter_handing_to_person"
    assert {"event": "active_loop", "name": "handoff_form", "timestamp": None} in events
    ticket = store.open_ticket_for(runtime.db, runtime.patient_id("test-patient"))
    assert ticket is not None and ticket.reason == "not_understood"


def test_an_unsure_guess_of_emergency_gets_the_number_and_a_question_at_once(runtime, dispatcher) -> None:
    tracker = make_tracker("my kid drank cleaning fluid", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "emergency", "confidence": 0.44},
        {"name": "define_term", "confidence": 0.30},
    ]
    ActionFallback().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["response"] == "utter_emergency_check" and message["emergency_number"] == "911"
