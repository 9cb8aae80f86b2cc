"""Answers from the content: the personal/general line, the passage found, and floors under the measured
figures (`python -m bot.answers.evaluate`; docs/answers.md)."""

from pathlib import Path

import pytest

from bot.answers.answerer import ANSWER, NOT_COVERED, PERSONAL, Answerer
from bot.answers.evaluate import SETS, score
from bot.answers.personal import is_personal
from bot.conversation.feelings import feeling_of


@pytest.fixture(scope="module")
def answerer(library) -> Answerer:  # type: ignore[no-untyped-def]
    return Answerer(library)


@pytest.mark.parametrize(
    "question",
    [
        "is my 150/95 high",
        "should i double my dose",
        "can i stop taking my statin",
        "how many mg can i take",
        "my sugar was 11 this morning is that bad",
        "do i have diabetes",
        "am i depressed",
        "is it ok for me to drink on these tablets",
        "what should i do about my cough",
    ],
)
def test_personal_questions_are_personal(question: str) -> None:
    assert is_personal(question)


@pytest.mark.parametrize(
    "question",
    [
        "what is a normal blood sugar level",
        "why do i have to fast before a blood test",
        "how does an inhaler work",
        "what do the two blood pressure numbers mean",
        "what foods raise cholesterol",
        "i keep forgetting my pills",
    ],
)
def test_general_questions_are_not(question: str) -> None:
    assert not is_personal(question)


def test_a_general_question_is_answered_from_the_lesson_that_covers_it(answerer: Answerer) -> None:
    decision = answerer.decide("what do the two blood pressure numbers mean")
    assert decision.kind == ANSWER and decision.passage is not None
    assert decision.passage.module_id == "high-blood-pressure"


def test_a_personal_question_is_refused_but_keeps_the_general_passage(answerer: Answerer) -> None:
    decision = answerer.decide("is my 150/95 high")
    assert decision.kind == PERSONAL
    assert decision.passage is not None and decision.passage.module_id == "high-blood-pressure"


def test_something_the_content_does_not_cover_is_said_plainly(answerer: Answerer) -> None:
    assert answerer.decide("how do i renew my passport").kind == NOT_COVERED
    assert answerer.decide("   ").kind == NOT_COVERED


def test_feelings_come_first() -> None:
    assert feeling_of("im having surgery next thursday and im scared") == "utter_feeling_worried"
    assert feeling_of("this is so frustrating, nothing works") == "utter_feeling_frustrated"
    assert feeling_of("thank you so much for explaining that") == "utter_feeling_thanks"
    assert feeling_of("what is anxiety") is None and feeling_of("thanks") is None


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("set_1", {"passage_first": 65, "personal_refused": 95}),
        ("set_2", {"passage_first": 40, "personal_refused": 75}),
    ],
)
def test_the_measured_figures_do_not_fall(answerer: Answerer, name: str, floor: dict[str, float]) -> None:
    """Floors a little under the figures measured on 2026-11-30 (README): a tripwire, not the target."""
    figures = score(answerer, Path(SETS / f"{name}.yml")).figures()
    assert figures["passage_first"] >= floor["passage_first"], figures
    assert figures["personal_refused"] >= floor["personal_refused"], figures
    assert figures["general_refused"] <= 5, figures
