"""Reading the day of a visit from what patients type."""

import datetime as dt

import pytest

from bot.appointments.dates import parse_date, say_date

TODAY = dt.date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tomorrow", dt.date(2026, 11, 24)),
        ("blood test tomorrow morning", dt.date(2026, 11, 24)),
        ("tmrw", dt.date(2026, 11, 24)),
        ("the day after tomorrow", dt.date(2026, 11, 25)),
        ("today", TODAY),
        ("friday", dt.date(2026, 11, 27)),
        ("I have an appointment on Friday", dt.date(2026, 11, 27)),
        ("next Tuesday", dt.date(2026, 11, 24)),
        ("on mon", dt.date(2026, 11, 30)),  # today is Monday: the next one
        ("3 March", dt.date(2027, 3, 3)),  # already past this year: next March
        ("3rd of march", dt.date(2027, 3, 3)),
        ("March 3rd", dt.date(2027, 3, 3)),
        ("december 1", dt.date(2026, 12, 1)),
        ("25 dec 2026", dt.date(2026, 12, 25)),
        ("12/5", dt.date(2026, 12, 5)),  # month first by default
        ("2026-12-03", dt.date(2026, 12, 3)),
        ("in 3 days", dt.date(2026, 11, 26)),
        ("in two weeks", dt.date(2026, 12, 7)),
        ("on the 15th", dt.date(2026, 12, 15)),
        ("on the 30th", dt.date(2026, 11, 30)),
    ],
)
def test_days_people_name(said: str, expected: dt.date) -> None:
    answer = parse_date(said, TODAY)
    assert (answer.status, answer.date) == ("ok", expected)


def test_day_first_clinics_read_numbers_the_other_way() -> None:
    assert parse_date("5/12", TODAY, day_first=True).date == dt.date(2026, 12, 5)
    assert parse_date("5/12", TODAY, day_first=False).date == dt.date(2027, 5, 12)


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("yesterday", "past"),
        ("last friday", "past"),
        ("3 March 2020", "past"),
        ("2025-01-01", "past"),
        ("in 400 days", "too_far"),
        ("3 March 2029", "too_far"),
        ("next week", "vague"),
        ("sometime in march", "vague"),
        ("in a month", "vague"),
        ("32 March", "none"),
        ("banana", "none"),
        ("", "none"),
        ("I don't know yet", "skip"),
        ("skip", "skip"),
        ("not sure", "skip"),
    ],
)
def test_answers_that_are_not_a_usable_day(said: str, status: str) -> None:
    assert parse_date(said, TODAY).status == status


def test_may_the_verb_is_not_a_month() -> None:
    assert parse_date("it may be fine", TODAY).status == "none"


def test_saying_a_date_back_plainly() -> None:
    assert say_date(dt.date(2026, 11, 24), TODAY) == "tomorrow, Tuesday 24 November"
    assert say_date(dt.date(2026, 11, 27), TODAY) == "Friday 27 November"
    assert say_date(dt.date(2027, 3, 3), TODAY) == "Wednesday 3 March 2027"
