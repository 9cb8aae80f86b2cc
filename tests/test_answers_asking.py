"""Which messages ask a question of their own (answered from a passage), and which ask for a whole lesson or
a word's meaning (bot/answers/asking.py)."""

import pytest

from bot.answers.asking import asks_own_question


@pytest.mark.parametrize(
    "text",
    [
        "what foods raise cholesterol",
        "how does an inhaler work",
        "can you get copd if you never smoked?",
        "heart failure, how does it affect the body",
        "what is a normal blood sugar level",
        "what are the signs of a stroke",
        "whats the difference between hdl and ldl",
        "why do I have to fast before a blood test",
        "Is depression just feeling sad all the time?",
        "dont get why they weigh you every day",
        "flu jab side effects?",
    ],
)
def test_a_question_of_its_own(text: str) -> None:
    assert asks_own_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "tell me about asthma",
        "teach me about diabetes",
        "can you tell me about the flu",
        "i want to learn about heart failure",
        "lesson on copd",
        "what is copd",
        "What is a stroke?",
        "what are statins",
        "whats a1c",
        "what does edema mean",
        "define hypertension",
        "asthma",
        "asthma?",
        '/learn_topic{"module": "asthma", "section": "2"}',
        "",
    ],
)
def test_a_request_for_a_lesson_or_a_meaning(text: str) -> None:
    assert not asks_own_question(text)
