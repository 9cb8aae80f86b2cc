"""Which question a patient means, where it should go, and the question inside "add a question: ..."."""

import pytest

from bot.appointments.wording import move_target, question_text, same_question, which_question

LIST = ["Can I still drive?", "Will it hurt?", "How long will I be off work?"]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("add a question: can i still drive?", "Can I still drive?"),
        ("put on my list will it hurt", "Will it hurt?"),
        ("write down can i drink coffee", "Can I drink coffee?"),
        ("save this question how long will i be off work", "How long will I be off work?"),
        ("add to my list what are the side effects", "What are the side effects?"),
        ("add: i'm worried, can i drive", "I'm worried, can I drive?"),
        ("add a question", ""),
        ("i want to add a question", ""),
        ("add", ""),
    ],
)
def test_the_question_inside_the_message(said: str, expected: str) -> None:
    assert question_text(said) == expected


def test_a_long_question_is_cut_not_refused() -> None:
    assert len(question_text("add a question: " + "why " * 200)) <= 301


@pytest.mark.parametrize(
    ("said", "index"),
    [
        ("remove question 2", 1),
        ("delete the second one", 1),
        ("remove question one", 0),
        ("i dont need number 3 anymore", 2),
        ("take the driving question off my list", 0),
        ("remove the one about work", 2),
        ("delete the last one", 2),
        ("remove question 9", None),
        ("remove it", None),
    ],
)
def test_which_question(said: str, index: int | None) -> None:
    assert which_question(said, LIST) == index


@pytest.mark.parametrize(
    ("said", "index", "target"),
    [
        ("move question 3 to the top", 2, 0),
        ("put number 2 first", 1, 0),
        ("make the last one number 1", 2, 0),
        ("move the last one up", 2, 1),
        ("move the one about driving down", 0, 1),
        ("move 1 to the end", 0, 2),
        ("move the work question to number 2", 2, 1),
    ],
)
def test_where_a_question_moves(said: str, index: int, target: int) -> None:
    assert which_question(said, LIST) == index
    assert move_target(said, index, len(LIST)) == target


def test_same_question_ignores_case_and_punctuation() -> None:
    assert same_question("Can I still drive?", "can i still drive")
    assert not same_question("Can I still drive?", "Can I drive at night?")
