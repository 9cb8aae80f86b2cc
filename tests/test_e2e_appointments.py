"""Getting ready for a visit through the real Rasa, action and web servers, over REST, checking the database."""

from __future__ import annotations

import re
import time

import pytest

from bot.privacy import load_or_create_secret, pseudonym
from bot.storage import visits as store
from bot.storage.db import Database

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies: list[dict]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons", [])]


def patient_of(servers, sender: str) -> str:
    return pseudonym(sender, load_or_create_secret(servers.settings))


def wait_for_bot_text(servers, sender: str, needle: str, seconds: float) -> str:
    """The conversation's bot messages once one contains ``needle`` (a reminder arrives on its own)."""
    deadline = time.monotonic() + seconds
    said = ""
    while time.monotonic() < deadline:
        events = servers.get_json(f"/conversations/{sender}/tracker")["events"]
        said = "\n".join(e.get("text") or "" for e in events if e["event"] == "bot")
        if needle in said:
            return said
        time.sleep(1)
    raise AssertionError(f"no {needle!r} within {seconds} s; the bot said:\n{said[-600:]}")


def test_from_i_have_a_blood_test_on_friday_to_checklist_questions_page_and_reminder(servers, new_sender) -> None:
    sender = new_sender()
    first = servers.send("i have a blood test on friday", sender)
    assert re.search(r"I saved your blood test on (tomorrow, )?Friday \d+ ", texts(first)), texts(first)
    assert buttons(first) == ["Yes, remind me", "No, thank you"]

    walk = servers.send('/choose{"choice": "remind"}', sender)
    assert "I will remind you the day before" in texts(walk)
    assert "To bring (1 of" in texts(walk) and {"Done", "Not yet", "Stop"} <= set(buttons(walk))
    assert "To bring (2 of" in texts(servers.send('/choose{"choice": "done"}', sender))
    assert "come back to that one" in texts(servers.send("not yet", sender))

    assert "Added" in texts(servers.send("add a question: can I still drive after the test?", sender))
    prompts = servers.send("/question_prompts", sender)
    assert "What is my main problem?" in texts(prompts) and "Add to my list" in buttons(prompts)
    assert "You have 2 on your list" in texts(servers.send('/add_question{"prompt": "ask-me-3/0"}', sender))
    shown = texts(servers.send("show my questions", sender))
    assert "1. Can I still drive after the test?\n2. What is my main problem?" in shown

    shared = texts(servers.send("/print_questions", sender))
    assert "My questions for my visit:\n1. Can I still drive after the test?" in shared
    url = re.search(r"(http://\S+/print/[\w-]+)", shared).group(1)
    status, page = servers.web_get(url.removeprefix(servers.settings.web_url))
    assert status == 200 and "Can I still drive after the test?" in page and "What is my main problem?" in page
    assert servers.web_get("/print/guessed-token")[0] == 404

    said = wait_for_bot_text(servers, sender, "This is your reminder", seconds=30)
    assert "Your questions for the visit:\n1. Can I still drive after the test?" in said

    db = Database(servers.settings.database_url)
    patient = patient_of(servers, sender)
    visit = store.current_visit(db, patient)
    assert visit.appointment_type == "blood_test" and visit.day.weekday() == 4 and visit.ticked == frozenset({0})
    assert store.waiting_reminders(db, patient) == []
    assert store.questions(db, sender) == []  # nothing under the raw id


def test_the_form_reasks_kindly_and_a_visit_without_a_day_is_fine(servers, new_sender) -> None:
    sender = new_sender()
    ask = servers.send("i have an appointment coming up", sender)
    assert "What kind of visit is it?" in texts(ask) and "Blood test" in buttons(ask)
    again = servers.send("the purple one", sender)
    assert "did not catch the kind of visit" in texts(again) and "What kind of visit is it?" in texts(again)
    when = servers.send("an operation", sender)
    assert "What day is the visit?" in texts(when)
    assert "already passed" in texts(servers.send("yesterday", sender))
    assert "could not tell the day" in texts(servers.send("banana", sender))
    done = servers.send("i don't know yet", sender)
    assert "I saved your surgery" in texts(done) and "Here is your checklist" in texts(done)
    assert "remind" not in texts(done).lower()


def test_typed_question_editing_remove_move_clear(servers, new_sender) -> None:
    sender = new_sender()
    asked = servers.send("i want to add a question", sender)
    assert "What is your question?" in texts(asked)
    assert "Added" in texts(servers.send("will my insurance pay for it", sender))
    servers.send("add to my list: will it hurt", sender)
    servers.send("write down: how long will I be off work", sender)
    removed = texts(servers.send("remove question 2", sender))
    assert 'I took off: "Will it hurt?"' in removed
    moved = texts(servers.send("move the last one to the top", sender))
    assert "1. How long will I be off work?\n2. Will my insurance pay for it?" in moved
    confirm = servers.send("clear my list", sender)
    assert "Delete all 2 questions" in texts(confirm)
    assert "kept your list" in texts(servers.send("no", sender))
    servers.send("clear my list", sender)
    assert "Your list is clear now" in texts(servers.send("yes", sender))
    assert store.questions(Database(servers.settings.database_url), patient_of(servers, sender)) == []


def test_nothing_is_lost_when_rasa_restarts_even_a_waiting_reminder(servers, new_sender, trained_model) -> None:
    sender = new_sender()
    assert "Would you like a reminder" in texts(servers.send("i have a checkup tomorrow", sender))
    assert "I will remind you" in texts(servers.send("yes", sender))  # it fires in a few seconds
    servers.send("add a question: do I need a flu shot?", sender)
    db = Database(servers.settings.database_url)
    patient = patient_of(servers, sender)
    assert len(store.waiting_reminders(db, patient)) == 1
    servers.restart_rasa(trained_model)  # Rasa's scheduler forgets its jobs; the web app catches up
    said = wait_for_bot_text(servers, sender, "This is your reminder", seconds=60)
    assert "1. Do I need a flu shot?" in said
    assert store.waiting_reminders(db, patient) == []
    assert "1. Do I need a flu shot?" in texts(servers.send("show my questions", sender))
    assert "Back to the checklist" in texts(servers.send("show my checklist", sender))
