from trackers import make_tracker

from actions.safety import ActionFallback
from bot.fallback import consecutive_fallbacks


def user(intent: str) -> dict:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


def test_counts_only_the_latest_run_of_misunderstandings() -> None:
    bot = {"event": "bot", "text": "sorry"}
    assert consecutive_fallbacks([]) == 0
    assert consecutive_fallbacks([user("greet"), user("nlu_fallback")]) == 1
    assert consecutive_fallbacks([user("nlu_fallback"), bot, user("nlu_fallback")]) == 2
    assert consecutive_fallbacks([user("nlu_fallback"), user("greet"), user("nlu_fallback")]) == 1


def test_first_miss_asks_to_rephrase_second_offers_a_person(dispatcher) -> None:
    ActionFallback().run(dispatcher, make_tracker("asdf", "nlu_fallback"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_rephrase"]

    dispatcher.messages.clear()
    earlier = [{"event": "user", "text": "qwer", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    ActionFallback().run(dispatcher, make_tracker("asdf", "nlu_fallback", events=earlier), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_offer_human"]


def test_an_unsure_guess_of_emergency_still_gets_the_emergency_guidance_first(dispatcher) -> None:
    tracker = make_tracker("my kid drank cleaning fluid", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45}, {"name": "emergency", "confidence": 0.44},
        {"name": "define_term", "confidence": 0.30},
    ]
    ActionFallback().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_emergency", "utter_ask_rephrase"]
