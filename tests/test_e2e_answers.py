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


def learn_more(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"] == "Learn more"]


@pytest.mark.parametrize(
    ("question", "lesson", "module"),
    [
        # Each read by the NLU as a lesson or a word to explain, and each asking one thing of its own.
        (
            "how does the flu jab actually protect you",
            "The flu and flu shots: How a flu shot helps",
            "flu-and-vaccines",
        ),
        ("how does an inhaler work", "Asthma: Your medicines", "asthma"),
        ("what foods raise cholesterol", "High cholesterol: Food that helps", "high-cholesterol"),
        # Read as getting ready for a visit: the form asked for the day, and the question was never answered.
        ("why do I have to fast before a blood test", "Understanding lab tests: Getting ready for a test", None),
    ],
)
def test_a_question_naming_a_topic_gets_its_answer_not_the_whole_lesson(
    servers, new_sender, question: str, lesson: str, module: str | None
) -> None:
    replies = servers.send(question, new_sender())
    assert f'This is from the lesson "{lesson}"' in texts(replies)
    assert learn_more(replies) and f'"module": "{module or "understanding-lab-tests"}"' in learn_more(replies)[0]


def test_asking_for_a_topic_still_starts_its_lesson(servers, new_sender) -> None:
    replies = servers.send("tell me about asthma", new_sender())
    assert "This is from the lesson" not in texts(replies) and not learn_more(replies)
    assert "asthma" in texts(replies).lower()
