"""Learning through the real Rasa and action servers, over REST, checking what lands in the database."""

from __future__ import annotations

import re

import pytest

from bot.privacy import load_or_create_secret, pseudonym
from bot.storage.db import Database
from bot.storage.feedback import feedback_for
from bot.storage.learning import answers_for, get_progress, unmet_requests

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def part_number(replies: list[dict]) -> int:
    found = re.findall(r"\(Part (\d+) of (\d+)\)", texts(replies))
    assert found, texts(replies)
    return int(found[-1][0])


def buttons(replies: list[dict]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons", [])]


def patient_of(servers, sender: str) -> str:
    return pseudonym(sender, load_or_create_secret(servers.settings))


def test_a_whole_lesson_with_a_word_detour_and_teach_back(servers, new_sender) -> None:
    sender = new_sender()
    first = servers.send("tell me about asthma", sender)
    assert "Let's learn about Asthma" in texts(first) and part_number(first) == 1
    assert {"Next", "Say it simpler", "What does a word mean?", "Stop"} <= set(buttons(first))
    assert part_number(servers.send("next", sender)) == 2

    # A word in the middle of the lesson, then back to the same place.
    detour = servers.send("what does mucus mean?", sender)
    assert "mucus" in texts(detour).lower() and "Shall we go back to Asthma?" in texts(detour)
    assert part_number(servers.send("/continue_lesson", sender)) == 2

    replies = servers.send("/lesson_next", sender)
    while "(Part" in texts(replies):
        replies = servers.send("/lesson_next", sender)
    assert "let's check the main points" in texts(replies)
    assert buttons(replies) == ["The rescue one", "The daily one"]
    right = servers.send('/choose{"choice": "1"}', sender)
    assert "Yes, that's right!" in texts(right)
    wrong = servers.send('/choose{"choice": "2"}', sender)
    assert "Good try. The answer is: Call for help right away." in texts(wrong)
    assert "Was this lesson clear?" in texts(wrong)
    assert "Thank you for telling me" in texts(servers.send('/choose{"choice": "clear"}', sender))

    db = Database(servers.settings.database_url)
    patient = patient_of(servers, sender)
    assert get_progress(db, patient, "asthma").stage == "finished"
    assert [a.correct for a in answers_for(db, patient)] == [True, False]
    assert [(f.module_id, f.rating) for f in feedback_for(db, patient)] == [("asthma", "clear")]
    assert get_progress(db, sender, "asthma") is None  # never under the raw id


def test_stop_and_continue_later_in_plain_words(servers, new_sender) -> None:
    sender = new_sender()
    servers.send("i want to learn about high blood pressure", sender)
    servers.send("/lesson_next", sender)
    assert "we stopped at part 2" in texts(servers.send("stop", sender))
    back = servers.send("continue my lesson", sender)
    assert "Welcome back to High blood pressure" in texts(back) and part_number(back) == 2


def test_an_unknown_topic_is_said_plainly_logged_and_offers_a_person(servers, new_sender) -> None:
    replies = servers.send("teach me about gout", new_sender())
    assert "don't have a lesson" in texts(replies)
    assert "Talk to a person" in buttons(replies) and "Asthma" in buttons(replies)
    db = Database(servers.settings.database_url)
    assert "gout" in [r.text for r in unmet_requests(db, "topic")]


def test_feedback_in_a_lesson_is_filed_with_the_module_and_section(servers, new_sender) -> None:
    sender = new_sender()
    servers.send("what is copd", sender)
    assert "Thank you for telling me" in texts(servers.send("that was really confusing", sender))
    rows = feedback_for(Database(servers.settings.database_url), patient_of(servers, sender))
    assert [(r.module_id, r.text) for r in rows] == [("copd", "that was really confusing")]
    assert rows[0].section
