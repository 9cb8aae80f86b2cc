"""Visit types, checklists and question sets come from the content; reminder times from the clinic's clock."""

import datetime as dt

from bot.appointments.visits import checklist_items, find_checklist, prompt_sets_for, reminder_time

UTC = dt.UTC


def test_checklist_by_type_or_by_the_patients_words(library) -> None:
    assert find_checklist(library, "", "blood_test").id == "blood-test"
    assert find_checklist(library, "it's a blood draw").id == "blood-test"
    assert find_checklist(library, "my operation").id == "surgery"
    assert find_checklist(library, "video visit").id == "telehealth"
    assert find_checklist(library, "banana bread") is None


def test_items_go_bring_then_steps_then_who_can_come(library) -> None:
    checklist = library.checklists["blood-test"]
    items = checklist_items(checklist, "Bring a friend.")
    assert [i.kind for i in items] == ["bring"] * len(checklist.bring) + ["step"] * len(checklist.steps) + ["company"]
    assert items[0].text == checklist.bring[0] and items[-1].text == "Bring a friend."


def test_question_sets_general_first_then_visit_and_topic_then_decisions(library) -> None:
    ids = [p.id for p in prompt_sets_for(library, "test_results", ["type-2-diabetes"])]
    assert ids[0] == "ask-me-3"
    assert ids.index("test-results") < ids.index("decisions")
    assert "diabetes" in ids and ids[-1] == "decisions"
    plain = [p.id for p in prompt_sets_for(library, None, [])]
    assert "diabetes" not in plain and plain[0] == "ask-me-3"


def test_reminder_is_the_day_before_at_the_clinics_hour() -> None:
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    when = reminder_time(dt.date(2026, 11, 27), "America/New_York", 10, now)
    assert when == dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 10:00 in New York is 15:00 UTC in November


def test_no_reminder_when_the_day_before_has_passed() -> None:
    now = dt.datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert reminder_time(dt.date(2026, 11, 24), "America/New_York", 10, now) is None


def test_a_test_delay_overrides_the_day_before() -> None:
    now = dt.datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert reminder_time(dt.date(2026, 11, 24), "UTC", 10, now, delay_seconds=5) == now + dt.timedelta(seconds=5)
