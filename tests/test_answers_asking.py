"""Which messages ask a question of their own (answered from a passage), and which ask for a whole lesson or
a word's meaning (bot/answers/asking.py)."""

import pytest

from bot.answers.asking import (
    ADD_QUESTION_REQUEST,
    FORGET_REQUEST,
    MOVE_REQUEST,
    REMINDER_REQUEST,
    RequestWords,
    asks_own_question,
)


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
        # Typed as a search: a topic and the part wanted.
        "asthma triggers list",
        "signs of a hypo",
        "heart attack what to do",
        "copd when to call 999",
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
        "heart failure",
        "copd please",
        '/learn_topic{"module": "asthma", "section": "2"}',
        "",
    ],
)
def test_a_request_for_a_lesson_or_a_meaning(text: str) -> None:
    assert not asks_own_question(text)


def _known(word: str) -> bool:
    return word in {"ease", "test", "pain", "blood", "first", "top", "number"}


@pytest.mark.parametrize(
    ("request_words", "text"),
    [
        (FORGET_REQUEST, "delete my data"),
        (FORGET_REQUEST, "earse what i told you"),  # a slip in a word that is no real word
        (FORGET_REQUEST, "i want to be forgotten"),
        (ADD_QUESTION_REQUEST, "sqve to my lis: can i go swimming"),
        (REMINDER_REQUEST, "snd me a tetx the day before"),
        (REMINDER_REQUEST, "can u reimnd me"),
        (MOVE_REQUEST, "i want the pain question firsst"),
        (MOVE_REQUEST, "make question 3 the first one"),
    ],
)
def test_a_request_carries_its_words(request_words: RequestWords, text: str) -> None:
    assert request_words.heard(text, _known)


@pytest.mark.parametrize(
    ("request_words", "text"),
    [
        (FORGET_REQUEST, "natural ways to ease pain"),  # "ease" is one slip from "erase", and a real word
        (REMINDER_REQUEST, "fasting before blood test"),  # "test" and "text"
        (MOVE_REQUEST, "top and bottom number blood pressure meaning"),  # a position, but nothing to move
        (ADD_QUESTION_REQUEST, "opioids risks addiction"),
    ],
)
def test_a_health_question_does_not(request_words: RequestWords, text: str) -> None:
    assert not request_words.heard(text, _known)
