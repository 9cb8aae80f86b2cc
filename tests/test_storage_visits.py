"""Appointments, ticks, the question list, reminders and print links in the app database."""

import datetime as dt

from bot.storage import visits as store

UTC = dt.UTC


def test_question_list_add_move_remove_clear(db) -> None:
    for text in ("A?", "B?", "C?"):
        store.add_question(db, "p1", text, "own")
    store.add_question(db, "p2", "Not mine?")
    assert store.questions(db, "p1") == ["A?", "B?", "C?"]
    assert store.move_question(db, "p1", 2, 0)
    assert store.questions(db, "p1") == ["C?", "A?", "B?"]
    assert store.remove_question(db, "p1", 1) == "A?"
    assert store.remove_question(db, "p1", 5) is None
    assert store.questions(db, "p1") == ["C?", "B?"]
    assert store.clear_questions(db, "p1") == 2
    assert store.questions(db, "p1") == [] and store.questions(db, "p2") == ["Not mine?"]


def test_current_visit_skips_past_ones_and_keeps_ticks(db) -> None:
    old = store.save_appointment(db, "p1", "blood_test", "blood-test", dt.date(2026, 11, 1))
    new = store.save_appointment(db, "p1", "surgery", "surgery", dt.date(2026, 12, 1))
    store.tick(db, new.id, 0, "ID card")
    store.tick(db, new.id, 1, "Medicines", done=False)
    store.tick(db, new.id, 1, "Medicines", done=True)  # ticked later
    visit = store.current_visit(db, "p1", dt.date(2026, 11, 23))
    assert visit is not None and visit.id == new.id and visit.ticked == frozenset({0, 1})
    assert store.current_visit(db, "p1", dt.date(2026, 12, 2)) is None
    assert old.id != new.id


def test_a_reminder_is_finished_once_and_forgets_the_conversation(db) -> None:
    visit = store.save_appointment(db, "p1", "blood_test", "blood-test", dt.date(2026, 12, 1))
    when = dt.datetime(2026, 11, 30, 15, tzinfo=UTC)
    first = store.schedule_reminder(db, "p1", visit.id, "sealed-1", when)
    second = store.schedule_reminder(db, "p1", visit.id, "sealed-2", when)  # replaces the first
    assert [r.id for r in store.waiting_reminders(db, "p1")] == [second.id]
    assert store.get_reminder(db, first.id).status == "replaced"
    assert store.waiting_reminders(db, due_before=when - dt.timedelta(seconds=1)) == []
    assert store.finish_reminder(db, second.id, "sent") is True
    assert store.finish_reminder(db, second.id, "sent") is False  # never twice
    row = store.get_reminder(db, second.id)
    assert row.status == "sent" and row.conversation == ""
    assert row.fire_at == when


def test_print_links_are_hashed_and_expire(db) -> None:
    now = dt.datetime(2026, 11, 23, 12, tzinfo=UTC)
    token = store.make_print_link(db, "p1", hours=72, now=now)
    assert len(token) >= 30
    assert store.print_link_patient(db, token, now) == ("p1", False)
    assert store.print_link_patient(db, token, now + dt.timedelta(hours=73)) == ("p1", True)
    assert store.print_link_patient(db, token + "x", now) == (None, False)
    assert store.print_link_patient(db, "", now) == (None, False)
