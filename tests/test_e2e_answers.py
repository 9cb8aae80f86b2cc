"""Patients' own questions through the real servers: answered from the lessons, never advised."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_a_general_question_gets_the_lesson_not_a_refusal(servers, new_sender) -> None:
    replies = servers.send("what do the two blood pressure numbers mean", new_sender())
    said = texts(replies)
    assert "can't" not in said.lower() or "lesson" in said
    assert "High Blood Pressure" in said or "blood pressure" in said.lower()
    learn_more = [b for r in replies for b in r.get("buttons") or [] if b["title"] == "Learn more"]
    assert learn_more and '"module": "high-blood-pressure"' in learn_more[0]["payload"]


def test_a_personal_reading_is_refused_with_the_general_information(servers, new_sender) -> None:
    sender = new_sender()
    said = texts(servers.send("is my 150/95 high", sender))
    assert "says in general" in said and "care team" in said
    assert "mg" not in said
    added = texts(servers.send("yes", sender))
    assert "150/95" in added  # the question goes on the list for the visit


def test_feelings_come_before_the_task(servers, new_sender) -> None:
    replies = servers.send("im having surgery next thursday and im scared", new_sender())
    assert replies[0]["text"].startswith("It is normal to feel worried")
    assert "surgery" in texts(replies[1:]).lower()
