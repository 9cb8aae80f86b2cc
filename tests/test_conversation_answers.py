import pytest

from bot.contracts import Answer
from bot.conversation.answers import answer_of_choice, read_answer


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("yes I have it now", Answer.YES),  # "now" holds the letters of "no": read as words, it is a yes
        ("yes", Answer.YES),
        ("got it", Answer.YES),
        ("done", Answer.YES),
        ("ok", Answer.YES),
        ("Yep, I know where it is", Answer.YES),
        ("not yet", Answer.NO),
        ("no", Answer.NO),
        ("later", Answer.NO),
        ("I don't have it", Answer.NO),
        ("I don’t have it yet", Answer.NO),
        ("yes but not yet", Answer.NO),
        ("nope", Answer.NO),
        ("stop", Answer.STOP),
        ("please stop", Answer.STOP),
        ("the second one", None),
        ("know", None),
        ("nothing", None),
        ("notes", None),
        ("yesterday", None),
    ],
)
def test_short_answers_are_read_from_whole_words(typed: str, expected: Answer | None) -> None:
    assert read_answer(typed) == expected


def test_button_choices_are_answers_and_other_choices_are_not() -> None:
    assert answer_of_choice("done") == Answer.DONE
    assert answer_of_choice("no_reminder") == Answer.NO_REMINDER
    assert answer_of_choice("2") is None and answer_of_choice("partly") is None and answer_of_choice(None) is None
