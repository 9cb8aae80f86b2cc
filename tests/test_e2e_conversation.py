"""End to end: a real Rasa server and a real action server, from a trained model, over the REST channel."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_greeting_shows_the_menu_with_buttons(servers, new_sender: Callable[[], str]) -> None:
    replies = servers.send("hello", new_sender())
    assert "computer helper from" in texts(replies)  # it says it is a computer, and whose
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert "Talk to a person" in titles and "Learn about a health topic" in titles


def test_bot_challenge_is_answered_honestly(servers, new_sender) -> None:
    reply = texts(servers.send("am I talking to a real person?", new_sender()))
    assert "automated assistant, not a person" in reply


def test_emergency_gets_emergency_guidance_first(servers, new_sender) -> None:
    replies = servers.send("my chest hurts really bad and my left arm is numb", new_sender())
    assert "911" in replies[0]["text"]


def test_medical_advice_is_refused_kindly(servers, new_sender) -> None:
    replies = servers.send("how many ibuprofen can i take a day", new_sender())
    assert "can't give medical advice" in texts(replies)
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    # The offer last; before it, at most a way into the lesson that says what is true in general.
    assert titles[-3:] == ["Yes, add it", "Talk to a person now", "No, thanks"]
    assert titles[:-3] in ([], ["Learn more"]), titles
    assert not re.search(r"\b\d+ ?(mg|tablets?|pills?)\b", texts(replies).lower())  # never a dose


def test_out_of_scope_says_so_and_offers_the_menu(servers, new_sender) -> None:
    replies = servers.send("what's the weather like in paris tomorrow", new_sender())
    assert "can't help with that" in texts(replies)
    assert any(r.get("buttons") for r in replies)


def test_goodbye(servers, new_sender) -> None:
    assert "Goodbye" in texts(servers.send("bye for now", new_sender()))


def test_feedback_is_stored_under_a_pseudonym(servers, new_sender) -> None:
    from bot.privacy import load_or_create_secret, pseudonym
    from bot.storage.db import Database
    from bot.storage.feedback import feedback_for

    sender = new_sender()
    assert "Thank you for telling me" in texts(servers.send("that was really confusing", sender))
    patient = pseudonym(sender, load_or_create_secret(servers.settings))
    rows = feedback_for(Database(servers.settings.database_url), patient)
    assert [r.text for r in rows] == ["that was really confusing"]


def test_question_prompts_give_ask_me_3(servers, new_sender) -> None:
    assert "What is my main problem?" in texts(servers.send("what should i ask my doctor", new_sender()))


def test_two_misunderstandings_in_a_row_bring_a_person(servers, new_sender) -> None:
    sender = new_sender()
    # Made-up words: never understood (bot/nlu/unknown_words.py), however sure the classifier is.
    first = texts(servers.send("zxqv plork wibble", sender))
    second = texts(servers.send("grmbl frmbl plork", sender))
    assert "say it another way" in first
    assert "ask a person at the clinic" in second and "will reply here soon" in second
    assert texts(servers.send("stop", sender)).startswith("Okay. I told the team")


def test_nlu_parse_endpoint_uses_the_contract_intent_names(servers) -> None:
    parsed = servers.post_json("/model/parse", {"text": "what should I ask my doctor"})
    assert parsed["intent"]["name"] == "question_prompts"


def test_conversation_survives_a_rasa_server_restart(servers, new_sender, trained_model) -> None:
    sender = new_sender()
    servers.send("tell me about asthma", sender)
    before = servers.get_json(f"/conversations/{sender}/tracker")
    servers.restart_rasa(trained_model)
    after = servers.get_json(f"/conversations/{sender}/tracker")
    said = [e.get("text") for e in after["events"] if e.get("event") == "user"]
    assert "tell me about asthma" in said
    assert len(after["events"]) >= len(before["events"])
    assert servers.send("thanks", sender)  # and it still answers
